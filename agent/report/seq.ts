import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { StateWriteError } from '../../core/errors/index.js';
import type { Logger } from '../../core/log.js';
import { reportSeqField } from '../../core/wire/report.js';

/**
 * The report sequence number (DESIGN.md §11): the only code that reads or
 * writes `<state_dir>/report-seq.json`. Every report the agent sends gets the
 * next number, written atomically before the report leaves, so no number is
 * ever sent twice, across crashes and restarts too.
 *
 * The next number is the larger of (last + 1) and the clock in milliseconds:
 * a host whose state directory was lost (a reinstall that kept its host key)
 * still sends numbers above the ones the reconciler kept, while the file
 * keeps them growing when the clock steps back.
 */
export const SEQ_FILE = 'report-seq.json';

const seqFileSchema = z.strictObject({ seq: reportSeqField });

/** Pure: the number after `last` (none when nothing was recorded), at `nowMs`. */
export function nextSeq(last: number | undefined, nowMs: number): number {
  return Math.max((last ?? 0) + 1, Math.floor(nowMs));
}

export interface SeqStore {
  readonly file: string;
  /** Record and return the next number; throws StateWriteError when it cannot be recorded (then nothing may be sent). */
  next(): Promise<number>;
}

export function createSeqStore(dir: string, log: Logger, now: () => number = Date.now): SeqStore {
  const file = join(dir, SEQ_FILE);
  let last: number | undefined;
  let loaded = false;
  let chain: Promise<unknown> = Promise.resolve();

  async function load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log.warn(`cannot read ${file} (${(e as Error).message}); report numbers go on from the clock`);
      return;
    }
    let parsed: z.ZodSafeParseResult<{ seq: number }>;
    try {
      parsed = seqFileSchema.safeParse(JSON.parse(text));
    } catch (e) {
      log.warn(`${file} is not JSON (${(e as Error).message}); report numbers go on from the clock`);
      return;
    }
    if (parsed.success) last = parsed.data.seq;
    else log.warn(`${file} is not a report sequence file; report numbers go on from the clock`);
  }

  async function step(): Promise<number> {
    if (!loaded) {
      await load();
      loaded = true;
    }
    const seq = nextSeq(last, now());
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFileAtomic(file, JSON.stringify({ seq }) + '\n', 0o600);
    } catch (e) {
      throw new StateWriteError({ owner: 'report-seq', file, errno: (e as NodeJS.ErrnoException).code ?? 'error' });
    }
    last = seq;
    return seq;
  }

  return {
    file,
    next() {
      // One at a time: two reports never read the same last number.
      const p = chain.then(step);
      chain = p.catch(() => undefined);
      return p;
    },
  };
}

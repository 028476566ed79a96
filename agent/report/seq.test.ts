import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StateWriteError } from '../../core/errors/index.js';
import { createLogger } from '../../core/log.js';
import { makeTempDir } from '../../testkit/tmp.js';
import { SEQ_FILE, createSeqStore, nextSeq } from './seq.js';

let tmp: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await makeTempDir('ogygia-seq-');
});
afterAll(async () => {
  await tmp.cleanup();
});

const quiet = createLogger('agent', () => {});

describe('nextSeq (pure)', () => {
  it('is the clock in milliseconds, or one above the last number when that is ahead of the clock', () => {
    expect(nextSeq(undefined, 1_764_000_000_000)).toBe(1_764_000_000_000);
    expect(nextSeq(5, 1_764_000_000_000)).toBe(1_764_000_000_000);
    expect(nextSeq(1_764_000_000_000, 1_764_000_000_000)).toBe(1_764_000_000_001);
    expect(nextSeq(1_764_000_000_500, 1_700_000_000_000)).toBe(1_764_000_000_501); // the clock stepped back
    expect(nextSeq(undefined, 0)).toBe(1);
  });
  it('always grows, whatever the clock does', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 45 }), { minLength: 1, maxLength: 50 }), (clock) => {
        let last: number | undefined;
        for (const t of clock) {
          const n = nextSeq(last, t);
          if (last !== undefined) expect(n).toBeGreaterThan(last);
          last = n;
        }
      }),
    );
  });
});

describe('the sequence file (report-seq.json)', () => {
  it('records each number before handing it out, and goes on from it after a restart even when the clock stepped back', async () => {
    const dir = join(tmp.path, 'a');
    let clock = 1000;
    const s = createSeqStore(dir, quiet, () => clock);
    expect(await s.next()).toBe(1000);
    expect(JSON.parse(await readFile(join(dir, SEQ_FILE), 'utf8'))).toEqual({ seq: 1000 });
    expect(await s.next()).toBe(1001);
    clock = 10;
    const again = createSeqStore(dir, quiet, () => clock);
    expect(await again.next()).toBe(1002);
  });

  it('hands out distinct numbers to reports sent at once', async () => {
    const s = createSeqStore(join(tmp.path, 'b'), quiet, () => 7);
    const got = await Promise.all(Array.from({ length: 20 }, () => s.next()));
    expect(new Set(got).size).toBe(20);
    expect(Math.max(...got)).toBe(26);
  });

  it('goes on from the clock, with a warning, when the file is damaged', async () => {
    const dir = join(tmp.path, 'c');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, SEQ_FILE), '{"seq": "many"}');
    const lines: string[] = [];
    const s = createSeqStore(dir, createLogger('agent', (l) => lines.push(l)), () => 500);
    expect(await s.next()).toBe(500);
    expect(lines.join('\n')).toMatch(/is not a report sequence file; report numbers go on from the clock/);
  });

  it('throws StateWriteError when the number cannot be recorded (then no report may carry it)', async () => {
    const dir = join(tmp.path, 'd');
    await mkdir(join(dir, SEQ_FILE), { recursive: true }); // a directory where the file goes: the rename over it fails
    await expect(createSeqStore(dir, quiet, () => 1).next()).rejects.toBeInstanceOf(StateWriteError);
  });
});

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { RolloutStateCorruptError, StateWriteError } from '../../core/errors/index.js';
import { schemaProblems } from '../../core/schema-problems.js';
import { servedHeadSchema } from '../served-store.js';
import type { RolloutRecord } from './record.js';

/**
 * Where rollout records live: `<state_dir>/rollouts.json` (one reconciler)
 * or etcd (replicas; etcd-store.ts). Every record is read back through its
 * schema; a damaged one is a RolloutStateCorruptError, never "no rollout"
 * (which would open every wave at once).
 */
export interface RolloutStore {
  readonly kind: 'file' | 'etcd';
  /** Every channel's record. */
  load(): Promise<Map<string, RolloutRecord>>;
  /** Persist one channel's record (`all`: every record, for stores that write them together). */
  save(channel: string, record: RolloutRecord, all: ReadonlyMap<string, RolloutRecord>): Promise<void>;
  /**
   * Replicas (etcd): call `onLead(true)` when this replica may move rollouts
   * forward and `onLead(false)` when it lost that, `onRecord` when another
   * replica changed a record (reports another replica kept reach the
   * manager through ReportStore.onOtherReport). The file store leads at once and alone.
   */
  follow(hooks: { onLead(leading: boolean): void; onRecord(channel: string, record: RolloutRecord): void }): Promise<void>;
  close(): Promise<void>;
}

export const ROLLOUTS_FILE = 'rollouts.json';

const failureSchema = z.object({ state: z.enum(['failed', 'rolled-back']), code: z.string().nullable(), at: z.string() });

export const rolloutRecordSchema = z.object({
  head: servedHeadSchema,
  fallback: servedHeadSchema.nullable(),
  progress: z
    .object({
      state: z.enum(['in-progress', 'halted', 'complete']),
      plan: z.array(z.array(z.string())).min(1),
      openedAt: z.array(z.string()).min(1),
      syncedAt: z.record(z.string(), z.string()),
      failures: z.record(z.string(), failureSchema),
      haltReason: z.string().nullable(),
      failingAtOpen: z.record(z.string(), z.literal(true)),
    })
    .nullable(),
  carried: z.object({ heads: z.array(servedHeadSchema), byHost: z.record(z.string(), z.string()) }),
}) satisfies z.ZodType<RolloutRecord>;

const fileSchema = z.object({ version: z.literal(1), channels: z.record(z.string(), rolloutRecordSchema) });

/** Pure: a record read back (file entry, etcd value) through its schema. */
export function parseRecord(text: string, where: string): RolloutRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new RolloutStateCorruptError({ where, problem: `not JSON: ${(e as Error).message}` });
  }
  const parsed = rolloutRecordSchema.safeParse(raw);
  if (!parsed.success) throw new RolloutStateCorruptError({ where, problem: schemaProblems(parsed.error) });
  return parsed.data;
}

/** The one owner of `<state_dir>/rollouts.json`: written atomically after every change, before it is announced. */
export function openFileRolloutStore(stateDir: string): RolloutStore {
  const file = join(stateDir, ROLLOUTS_FILE);
  let writing: Promise<void> = Promise.resolve();
  return {
    kind: 'file',
    async load() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return new Map();
        throw new RolloutStateCorruptError({ where: file, problem: `unreadable: ${code ?? (e as Error).message}` });
      }
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (e) {
        throw new RolloutStateCorruptError({ where: file, problem: `not JSON: ${(e as Error).message}` });
      }
      const parsed = fileSchema.safeParse(raw);
      if (!parsed.success) throw new RolloutStateCorruptError({ where: file, problem: schemaProblems(parsed.error) });
      return new Map(Object.entries(parsed.data.channels));
    },
    save(_channel, _record, all) {
      const data = JSON.stringify({ version: 1, channels: Object.fromEntries(all) }) + '\n';
      // One write at a time, in order: the last one holds the newest records.
      const next = writing.then(() =>
        writeFileAtomic(file, data, 0o640).catch((e: unknown) => {
          throw new StateWriteError({ owner: 'reconciler', file, errno: (e as NodeJS.ErrnoException).code ?? 'error' });
        }),
      );
      writing = next.catch(() => {});
      return next;
    },
    async follow(hooks) {
      hooks.onLead(true);
    },
    async close() {
      await writing;
    },
  };
}

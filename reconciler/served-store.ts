import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../core/atomic-write.js';
import { ServedStateCorruptError, StateWriteError } from '../core/errors/index.js';
import { schemaProblems } from '../core/schema-problems.js';
import { GIT_COMMIT } from '../core/wire/fields.js';
import { DIGEST } from '../core/release.js';
import { EMPTY_STATE, type Refusal, type ServedHead, type ServedState } from './heads.js';

/**
 * The only owner of `served.json`: what the reconciler served, persisted
 * atomically before it is announced, so a restart never serves older heads.
 * It is read back through its schema; a damaged file stops the start-up with
 * ServedStateCorruptError (never "nothing served", which would let a rewound
 * branch serve older releases again).
 */
export const SERVED_FILE = 'served.json';

const commit = z.string().regex(GIT_COMMIT, 'must be a git commit id');
const digest = z.string().regex(DIGEST, 'must be a release digest');

const refusalSchema = z.object({
  code: z.string().min(1),
  message: z.string(),
  commit,
  at: z.string(),
  revision: z.number().int().optional(),
  digest: digest.optional(),
}) satisfies z.ZodType<Refusal>;

export const servedHeadSchema = z.object({
  channel: z.string().min(1),
  text: z.string(),
  revision: z.number().int().positive(),
  digest,
  commit,
  committedAt: z.string(),
  blob: z.string().min(1),
  servedAt: z.string(),
}) satisfies z.ZodType<ServedHead>;

const servedStateSchema = z.object({
  branchCommit: commit.optional(),
  heads: z.record(z.string(), servedHeadSchema),
  refusals: z.record(z.string(), refusalSchema),
  branchRefusal: refusalSchema.optional(),
}) satisfies z.ZodType<ServedState>;

/** The file: a version, the branch it was served from, the state. */
export const servedFileSchema = z.object({
  version: z.number().int(),
  branch: z.string(),
  state: servedStateSchema,
});

export async function loadServedState(stateDir: string, branch: string): Promise<ServedState> {
  const file = join(stateDir, SERVED_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return EMPTY_STATE;
    throw new ServedStateCorruptError({ file, problem: `unreadable: ${code ?? (e as Error).message}` });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ServedStateCorruptError({ file, problem: `not JSON: ${(e as Error).message}` });
  }
  const parsed = servedFileSchema.safeParse(raw);
  if (!parsed.success) throw new ServedStateCorruptError({ file, problem: schemaProblems(parsed.error) });
  const f = parsed.data;
  // A different branch starts a new history: its heads must not be compared with the old branch's commits.
  if (f.version !== 1 || f.branch !== branch) return { heads: f.state.heads, refusals: {} };
  return f.state;
}

export async function saveServedState(stateDir: string, branch: string, state: ServedState): Promise<void> {
  const file = join(stateDir, SERVED_FILE);
  try {
    await writeFileAtomic(file, JSON.stringify({ version: 1, branch, state }) + '\n', 0o640);
  } catch (e) {
    throw new StateWriteError({ owner: 'reconciler', file, errno: (e as NodeJS.ErrnoException).code ?? 'error' });
  }
}

import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../core/atomic-write.js';
import { ReplayFloorCorruptError, StateCorruptError, StateWriteError } from '../core/errors/index.js';
import { DIGEST } from '../core/release.js';
import { STORE_PATH } from '../core/store-path.js';
import type { AcceptedHead } from '../core/transition.js';

/**
 * The agent's durable state: the only code that reads or writes
 * `<state_dir>/state.json` and `<state_dir>/replay-floor.json`. Both are
 * written atomically (temp file, fsync, rename, fsync dir). The replay floor
 * lives in its own file so that a corrupt or lost state file never lowers it;
 * a floor file that is there but cannot be read is never taken as "no floor":
 * it stops applies (ReplayFloorCorruptError) until an operator fixes it.
 */

/**
 * Where an apply stands. `copying` … `rolling-back` are in flight; `applied`,
 * `rolled-back`, `failed` are outcomes. A release whose kernel, initrd or
 * kernel modules differ from the booted system's rests in `reboot-required`
 * (switched and healthy, not complete); `rebooting` is written before the
 * reboot command runs, so the start after it confirms the boot; `boot-failed`
 * is the outcome when the machine came back on another system (DESIGN.md §13).
 */
export const PHASES = [
  'idle',
  'copying',
  'setting-profile',
  'switching',
  'health-checking',
  'rolling-back',
  'applied',
  'rolled-back',
  'failed',
  'reboot-required',
  'rebooting',
  'boot-failed',
] as const;
export type Phase = (typeof PHASES)[number];
export const IN_FLIGHT: ReadonlySet<Phase> = new Set(['copying', 'setting-profile', 'switching', 'health-checking', 'rolling-back']);

const storePath = z.string().regex(STORE_PATH);
const digest = z.string().regex(DIGEST);

/** A release as deployed to this host: the `Deployment` stage of the pipeline. */
export const deploymentSchema = z.strictObject({
  revision: z.number().int().min(1),
  digest,
  commit: z.string().min(1),
  storePath,
  sourceRevision: z.string(),
});
export type Deployment = z.output<typeof deploymentSchema>;

export const stepErrorSchema = z.strictObject({
  code: z.string(),
  message: z.string(),
  outputTail: z.string().optional(),
});
export type StepError = z.output<typeof stepErrorSchema>;

export const agentStateSchema = z.strictObject({
  spec: z.literal(1),
  channel: z.string(),
  phase: z.enum(PHASES),
  /** The release accepted most recently (being applied, applied, or rolled back); null while idle. */
  revision: z.number().int().min(1).nullable(),
  digest: digest.nullable(),
  commit: z.string().nullable(),
  storePath: storePath.nullable(),
  sourceRevision: z.string().nullable(),
  /** What the profile pointed to before this release: where a rollback goes. */
  previousStorePath: storePath.nullable(),
  /** The last release that applied and passed its health check. */
  good: deploymentSchema.nullable(),
  /** Digests rolled back (or whose boot failed) on this host: never retried until a newer release arrives. */
  quarantined: z.array(digest).max(64),
  /** How many times an in-flight apply was resumed after a crash (guards against a crash loop). */
  resumes: z.number().int().min(0),
  error: stepErrorSchema.nullable(),
  updatedAt: z.string(),
});
export type AgentState = z.output<typeof agentStateSchema>;

const floorSchema = z.strictObject({ channel: z.string(), revision: z.number().int().min(1), digest, commit: z.string().optional() });
export type ReplayFloor = z.output<typeof floorSchema>;

export function emptyState(channel: string): AgentState {
  return {
    spec: 1,
    channel,
    phase: 'idle',
    revision: null,
    digest: null,
    commit: null,
    storePath: null,
    sourceRevision: null,
    previousStorePath: null,
    good: null,
    quarantined: [],
    resumes: 0,
    error: null,
    updatedAt: new Date(0).toISOString(),
  };
}

/** Pure: the deployment a state is working on, if any. */
export function targetOf(s: AgentState): Deployment | undefined {
  if (s.revision === null || s.digest === null || s.commit === null || s.storePath === null) return undefined;
  return { revision: s.revision, digest: s.digest, commit: s.commit, storePath: s.storePath, sourceRevision: s.sourceRevision ?? '' };
}

/** Pure: the highest replay floor the state and the floor file prove, for `channel`. */
export function replayFloor(state: AgentState, floor: ReplayFloor | undefined, channel: string): AcceptedHead | undefined {
  const cands: AcceptedHead[] = [];
  const t = targetOf(state);
  if (t && state.channel === channel) cands.push({ revision: t.revision, digest: t.digest, commit: t.commit });
  if (floor && floor.channel === channel) cands.push(floor.commit !== undefined ? { revision: floor.revision, digest: floor.digest, commit: floor.commit } : { revision: floor.revision, digest: floor.digest });
  return cands.sort((a, b) => b.revision - a.revision)[0];
}

export interface LoadedState {
  readonly state: AgentState;
  readonly floor: ReplayFloor | undefined;
  /** Set when state.json existed but could not be used; the state is then "nothing applied". */
  readonly corrupt?: StateCorruptError;
  /** Set when replay-floor.json existed but could not be used; `floor` is then undefined and nothing may be applied. */
  readonly floorCorrupt?: ReplayFloorCorruptError;
}

export interface StateStore {
  readonly dir: string;
  load(channel: string): Promise<LoadedState>;
  /** Read replay-floor.json again (undefined when there is none); throws ReplayFloorCorruptError when it is there but unusable. */
  readFloor(): Promise<ReplayFloor | undefined>;
  /** Atomically replace state.json (stamps updatedAt). */
  save(state: AgentState): Promise<AgentState>;
  /**
   * Raise the replay floor; a lower or equal revision never replaces a higher one.
   * Throws ReplayFloorCorruptError while the last read found the file damaged (it is never overwritten unseen).
   */
  raiseFloor(floor: ReplayFloor): Promise<void>;
}

export const STATE_FILE = 'state.json';
export const FLOOR_FILE = 'replay-floor.json';

/** Write a state file atomically; a failure (disk full, read-only) becomes a StateWriteError that says what to do. */
async function durably(file: string, text: string): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await writeFileAtomic(file, text, 0o600);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new StateWriteError({ owner: 'agent', file, errno: code });
  }
}

export function createStateStore(dir: string, now: () => Date = () => new Date()): StateStore {
  const stateFile = join(dir, STATE_FILE);
  const floorFile = join(dir, FLOOR_FILE);
  let floorCache: ReplayFloor | undefined;
  let floorDamage: ReplayFloorCorruptError | undefined;

  async function readJson(file: string): Promise<{ missing: true } | { missing: false; value: unknown; error?: string }> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { missing: true };
      return { missing: false, value: undefined, error: (e as Error).message };
    }
    try {
      return { missing: false, value: JSON.parse(text) };
    } catch (e) {
      return { missing: false, value: undefined, error: `not JSON: ${(e as Error).message}` };
    }
  }

  /** Read the floor file; remembers what it found so raiseFloor never writes over a damaged file it has not seen fixed. */
  async function readFloor(): Promise<ReplayFloor | undefined> {
    const f = await readJson(floorFile);
    let problem: string | undefined;
    let floor: ReplayFloor | undefined;
    if (!f.missing) {
      const p = f.error === undefined ? floorSchema.safeParse(f.value) : undefined;
      if (p?.success) floor = p.data;
      else problem = f.error ?? p?.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ') ?? 'unreadable';
    }
    if (problem !== undefined) {
      floorCache = undefined;
      floorDamage = new ReplayFloorCorruptError({ file: floorFile, problem });
      throw floorDamage;
    }
    floorCache = floor;
    floorDamage = undefined;
    return floor;
  }

  return {
    dir,
    readFloor,
    async load(channel) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      let floor: ReplayFloor | undefined;
      let floorCorrupt: ReplayFloorCorruptError | undefined;
      try {
        floor = await readFloor();
      } catch (e) {
        if (!(e instanceof ReplayFloorCorruptError)) throw e;
        floorCorrupt = e;
      }
      const withFloor = floorCorrupt ? { floor, floorCorrupt } : { floor };
      const s = await readJson(stateFile);
      if (s.missing) return { state: emptyState(channel), ...withFloor };
      const p = s.error === undefined ? agentStateSchema.safeParse(s.value) : undefined;
      if (p?.success) return { state: p.data, ...withFloor };
      const why = s.error ?? p?.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') ?? 'unreadable';
      return {
        state: emptyState(channel),
        ...withFloor,
        corrupt: new StateCorruptError({ file: stateFile, problem: why, floorFile: FLOOR_FILE, floorCorrupt: floorCorrupt !== undefined }),
      };
    },
    async save(state) {
      const stamped = { ...state, updatedAt: now().toISOString() };
      await durably(stateFile, JSON.stringify(agentStateSchema.parse(stamped), null, 2) + '\n');
      return stamped;
    },
    async raiseFloor(floor) {
      if (floorDamage) throw floorDamage;
      if (floorCache && floorCache.channel === floor.channel && floorCache.revision >= floor.revision) return;
      await durably(floorFile, JSON.stringify(floorSchema.parse(floor)) + '\n');
      floorCache = floor;
    },
  };
}

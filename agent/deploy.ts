import { InternalError, OgygiaError, RollbackError, StateWriteError } from '../core/errors/index.js';
import type { Logger } from '../core/log.js';
import type { Executor } from './executor/types.js';
import type { HealthCheck } from './health.js';
import type { StartAt } from './plan.js';
import type { ReportState } from '../core/wire/report.js';
import type { AgentState, Deployment, StateStore, StepError } from './state.js';

/**
 * Applying one deployment, step by step, with the state written before and
 * after every step (DESIGN.md §5): copy → profile → switch → health, and on
 * any failure after the profile changed, back to the recorded previous store
 * path and **its** switch-to-configuration.
 */
export interface DeployContext {
  readonly store: StateStore;
  readonly executor: Executor;
  readonly health: HealthCheck;
  readonly action: 'switch' | 'boot' | 'test';
  /**
   * The boot links (kernel, initrd, kernel-modules) that differ between the
   * booted system and a new one (DESIGN.md §13); never throws. Absent: no
   * reboot detection (every apply completes at once).
   */
  readonly rebootReasons?: (storePath: string) => Promise<readonly string[]>;
  readonly log: Logger;
  report(state: AgentState, reportState: ReportState, error?: StepError, timings?: Record<string, number>): Promise<void>;
}

/** `reboot-required`: switched and healthy, complete only after a reboot into it (the state rests in phase `reboot-required`). */
export type DeployOutcome = 'applied' | 'reboot-required' | 'rolled-back' | 'failed';

export interface DeployResult {
  readonly state: AgentState;
  readonly outcome: DeployOutcome;
  readonly error?: OgygiaError;
}

/** What the state and the report record of a step's failure; anything but an OgygiaError is an InternalError. */
export function stepError(e: unknown): StepError {
  const err = InternalError.wrap(e, 'the apply');
  const tail = typeof err.data.outputTail === 'string' && err.data.outputTail.length > 0 ? err.data.outputTail : undefined;
  return tail !== undefined ? { code: err.code, message: err.message, outputTail: tail } : { code: err.code, message: err.message };
}

export async function applyDeployment(
  ctx: DeployContext,
  base: AgentState,
  d: Deployment,
  opts: {
    previousStorePath: string | null;
    substituters: readonly string[];
    startAt: StartAt;
    resumed: boolean;
    /** The machine just booted this system: its health is checked whatever `[nix] action` is (a `boot` apply skips it before the reboot). */
    booted?: boolean;
  },
): Promise<DeployResult> {
  const timings: Record<string, number> = {};
  const t0 = Date.now();
  let state: AgentState = {
    ...base,
    revision: d.revision,
    digest: d.digest,
    commit: d.commit,
    storePath: d.storePath,
    sourceRevision: d.sourceRevision,
    previousStorePath: opts.previousStorePath,
    resumes: opts.resumed ? base.resumes + 1 : 0,
    error: null,
  };
  const save = async (phase: AgentState['phase']): Promise<void> => {
    state = await ctx.store.save({ ...state, phase });
  };
  const where = `revision ${d.revision} (${d.storePath})`;

  if (opts.startAt === 'copy') {
    await save('copying');
    await ctx.report(state, 'applying');
    ctx.log.info(`applying ${where}${opts.resumed ? ' (resumed after a restart)' : ''}`);
    try {
      timings.copy = await ctx.executor.copy(d.storePath, opts.substituters);
    } catch (e) {
      const err = stepError(e);
      ctx.log.error(`nix copy failed for ${where}; nothing was changed: ${err.message}`);
      state = await ctx.store.save({ ...state, phase: 'failed', error: err });
      await ctx.report(state, 'failed', err, { ...timings, total: Date.now() - t0 });
      return { state, outcome: 'failed', error: e instanceof OgygiaError ? e : undefined };
    }
  }
  try {
    if (opts.startAt !== 'health') {
      await save('setting-profile');
      timings.profile = await ctx.executor.setProfile(d.storePath);
      await save('switching');
      timings.switch = await ctx.executor.switchTo(d.storePath);
    }
    await save('health-checking');
    if (ctx.action !== 'boot' || opts.booted === true) timings.health = await ctx.health.run();
  } catch (e) {
    return rollback(ctx, state, e, timings, t0);
  }
  // `test` leaves the bootloader alone: the next boot is the old system whatever its kernel, so no reboot is asked for.
  const reasons = ctx.action !== 'test' && ctx.rebootReasons ? await ctx.rebootReasons(d.storePath) : [];
  if (reasons.length > 0) {
    // `good` stays the release before: this one is complete only once the machine boots it (then it reports in-sync).
    state = await ctx.store.save({ ...state, phase: 'reboot-required', resumes: 0, error: null });
    timings.total = Date.now() - t0;
    ctx.log.info(`applied ${where}; it takes effect after a reboot (${reasons.join(', ')} differ from the booted system's)`);
    await ctx.report(state, 'reboot-required', undefined, timings);
    return { state, outcome: 'reboot-required' };
  }
  state = await ctx.store.save({ ...state, phase: 'applied', good: d, resumes: 0, error: null });
  timings.total = Date.now() - t0;
  ctx.log.info(`applied ${where}`);
  await ctx.report(state, 'applied', undefined, timings);
  return { state, outcome: 'applied' };
}

/**
 * Set the profile back to the recorded previous store path and run its
 * switch-to-configuration (never `nix-env --rollback`, which may pick another
 * generation). The failed digest is quarantined before anything is touched.
 */
export async function rollback(
  ctx: DeployContext,
  base: AgentState,
  cause: unknown,
  timings: Record<string, number> = {},
  t0 = Date.now(),
): Promise<DeployResult> {
  const err = base.error && base.phase === 'rolling-back' ? base.error : stepError(cause);
  const quarantined = base.digest && !base.quarantined.includes(base.digest) ? [...base.quarantined, base.digest].slice(-64) : base.quarantined;
  // Undoing a half-applied system matters more than writing it down: when the state cannot be
  // written (disk full), roll back anyway; on restart, recovery works from the last durable phase.
  const record = async (s: AgentState): Promise<AgentState> => {
    try {
      return await ctx.store.save(s);
    } catch (e) {
      if (!(e instanceof StateWriteError)) throw e;
      ctx.log.error(`${e.message} [${e.code}]; rolling back regardless`);
      return s;
    }
  };
  let state = await record({ ...base, phase: 'rolling-back', error: err, quarantined });
  const prev = state.previousStorePath;
  ctx.log.warn(`revision ${state.revision} failed (${err.code}: ${err.message}); rolling back to ${prev ?? 'nothing'}`);
  if (prev === null) {
    const e = new RollbackError({ reason: 'no-previous', revision: state.revision });
    state = await record({ ...state, phase: 'failed', error: { ...err, message: `${err.message} ${e.message}` } });
    await ctx.report(state, 'failed', state.error ?? undefined, { ...timings, total: Date.now() - t0 });
    return { state, outcome: 'failed', error: e };
  }
  const r0 = Date.now();
  try {
    await ctx.executor.setProfile(prev);
    await ctx.executor.switchTo(prev);
  } catch (e) {
    const re = stepError(e);
    const failed = new RollbackError({ reason: 'failed', previousStorePath: prev, cause: re });
    const se: StepError = re.outputTail !== undefined ? { code: failed.code, message: failed.message, outputTail: re.outputTail } : { code: failed.code, message: failed.message };
    state = await record({ ...state, phase: 'failed', error: se });
    ctx.log.error(failed.message);
    await ctx.report(state, 'failed', se, { ...timings, rollback: Date.now() - r0, total: Date.now() - t0 });
    return { state, outcome: 'failed', error: failed };
  }
  state = await record({ ...state, phase: 'rolled-back', resumes: 0 });
  ctx.log.warn(`rolled back to ${prev}; revision ${state.revision} (${state.digest}) is quarantined until a newer release arrives`);
  await ctx.report(state, 'rolled-back', err, { ...timings, rollback: Date.now() - r0, total: Date.now() - t0 });
  return { state, outcome: 'rolled-back', error: cause instanceof OgygiaError ? cause : undefined };
}

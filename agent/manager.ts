import { BootFailedError, InternalError, InterruptedApplyError, OgygiaError, ProfileError, ReplayFloorCorruptError, StateWriteError } from '../core/errors/index.js';
import type { HostRevisions } from '../core/fleet/types.js';
import { readLocalRevisions, UNKNOWN } from '../core/local-revisions.js';
import type { Logger } from '../core/log.js';
import type { TrustPolicy } from '../core/trust.js';
import { applyDeployment, rollback, stepError, type DeployContext } from './deploy.js';
import type { Executor } from './executor/types.js';
import type { HealthCheck } from './health.js';
import { heartbeatReport } from './heartbeat.js';
import type { PollResult } from './outcome.js';
import { afterReboot, planPoll, planRecovery, resumeStep } from './plan.js';
import { decideReboot, type RebootPolicy } from './reboot/decide.js';
import type { SlotClient } from './reboot/slot-client.js';
import { REBOOT_MARKER, type RebootSystem } from './reboot/system.js';
import type { RebootWindow } from './reboot/window.js';
import { previousStorePath } from './previous.js';
import { buildReport, restingReportState } from './report/build.js';
import type { Report as AgentReport, ReportState } from '../core/wire/report.js';
import type { Source } from './sources/types.js';
import { replayFloor, targetOf, type AgentState, type Deployment, type ReplayFloor, type StateStore, type StepError } from './state.js';
import { verifyHead } from './verify.js';

export type { PollOutcome, PollResult } from './outcome.js';

/** Everything the manager needs, passed in (main.ts wires the real ones; tests their own). */
export interface ManagerDeps {
  readonly host: string;
  readonly channel: string;
  readonly policy: TrustPolicy;
  readonly root: string;
  readonly action: 'switch' | 'boot' | 'test';
  readonly substituters: readonly string[];
  readonly source: Source;
  readonly executor: Executor;
  readonly health: HealthCheck;
  readonly store: StateStore;
  readonly publish: (report: AgentReport) => void;
  readonly log: Logger;
  readonly agentVersion: string;
  readonly dryRun: boolean;
  /** `[reboot]` (DESIGN.md §13); absent: kernels are not compared and the agent never reboots. */
  readonly reboot?: RebootDeps;
  readonly now?: () => Date;
  /** A draw in [0, 1) for the git-source reboot delay. */
  readonly random?: () => number;
}

export interface RebootDeps {
  readonly policy: RebootPolicy;
  readonly window: RebootWindow | undefined;
  readonly system: RebootSystem;
  /** The reconciler's reboot slots; absent for a git source (it waits a random part of the window instead). */
  readonly slots?: SlotClient;
}

/**
 * The agent's pipeline on top of its stages: source → verify → plan → deploy,
 * with the state store owning what is durable. The decisions are pure
 * functions (plan.ts, previous.ts, substituters.ts, report/build.ts,
 * heartbeat.ts); this class only sequences them with the I/O. One instance
 * per agent process.
 */
export class Manager {
  private state: AgentState | undefined;
  private lastReport: AgentReport | undefined;
  private floorFile: ReplayFloor | undefined;
  /** Set while replay-floor.json is damaged: nothing new is applied until it reads again. */
  private floorDamage: ReplayFloorCorruptError | undefined;
  private readonly now: () => Date;
  private readonly ctx: DeployContext;
  /** Git source: the moment drawn for this window's reboot (epoch ms); dropped outside the window. */
  private rebootNotBefore: number | undefined;

  constructor(private readonly d: ManagerDeps) {
    this.now = d.now ?? (() => new Date());
    this.ctx = {
      store: d.store,
      executor: d.executor,
      health: d.health,
      action: d.action,
      ...(d.reboot ? { rebootReasons: (storePath: string) => d.reboot!.system.reasons(storePath) } : {}),
      log: d.log,
      report: (s, rs, err, timings) => this.report(s, rs, err, timings),
    };
  }

  /**
   * Load the state and finish or undo whatever a crash interrupted. A damaged
   * replay floor does not stop this: finishing or undoing an apply this host
   * already accepted lets in nothing new.
   */
  async start(): Promise<PollResult | undefined> {
    const loaded = await this.d.store.load(this.d.channel);
    this.state = loaded.state;
    this.floorFile = loaded.floor;
    this.floorDamage = loaded.floorCorrupt;
    if (loaded.corrupt) {
      this.d.log.error(`${loaded.corrupt.message} [${loaded.corrupt.code}]`);
      await this.report(this.state, 'failed', { code: loaded.corrupt.code, message: loaded.corrupt.message });
    }
    if (loaded.floorCorrupt) {
      this.d.log.error(`${loaded.floorCorrupt.message} [${loaded.floorCorrupt.code}]`);
      await this.report(this.state, 'failed', { code: loaded.floorCorrupt.code, message: loaded.floorCorrupt.message });
    }
    if (this.d.dryRun) return undefined;
    const rec = planRecovery(this.state, this.state.phase === 'reboot-required' && this.d.reboot ? await this.d.reboot.system.bootedSystem() : undefined);
    const t = targetOf(this.state);
    if (rec.kind === 'none' || !t) {
      if (!loaded.floorCorrupt) await this.report(this.state, restingReportState(this.state.phase));
      return undefined;
    }
    if (rec.kind === 'confirm-boot') return this.confirmBoot(t);
    this.d.log.warn(`recovering from a stop during ${this.state.phase} of revision ${t.revision}: ${rec.kind}`);
    const r =
      rec.kind === 'rollback'
        ? await rollback(
            this.ctx,
            this.state,
            new InterruptedApplyError({ revision: t.revision, phase: this.state.phase, times: this.state.resumes + 1, reason: rec.reason }),
          )
        : await applyDeployment(this.ctx, this.state, t, {
            previousStorePath: this.state.previousStorePath,
            substituters: this.d.substituters,
            startAt: resumeStep(rec),
            resumed: true,
          });
    this.state = r.state;
    return { outcome: r.outcome, revision: t.revision, ...(r.error ? { error: r.error } : {}) };
  }

  get current(): AgentState {
    if (!this.state) throw new InternalError({ where: 'Manager.current', cause: 'Manager.start() was not called' });
    return this.state;
  }

  /**
   * One poll: fetch the head, verify it in DESIGN.md §5 order, plan, and apply
   * when there is something to do. A release waiting for its reboot is
   * rebooted into when that is due: before the fetch (so a long-poll does not
   * hold it up) and after an apply that left one waiting.
   */
  async pollOnce(waitSeconds: number, signal?: AbortSignal): Promise<PollResult> {
    const before = this.current;
    if (before.phase === 'reboot-required') {
      const rb = await this.rebootIfDue();
      if (rb) return rb;
    }
    const r = await this.pollHead(waitSeconds, signal);
    if (this.current !== before && this.current.phase === 'reboot-required') {
      const rb = await this.rebootIfDue();
      if (rb) return rb;
    }
    return r;
  }

  /**
   * The start in phase `rebooting` (DESIGN.md §13): the machine came back on
   * the applied system → health check, then in-sync; on another system →
   * `boot-failed`, the release quarantined, the profile pointed at what
   * booted (so the next boot does not try the failed one again); no reboot
   * happened → wait for it again.
   */
  private async confirmBoot(t: Deployment): Promise<PollResult> {
    const rb = this.d.reboot;
    let state = this.current;
    const booted = rb ? await rb.system.bootedSystem() : t.storePath;
    const check = afterReboot({ expected: t.storePath, booted, rebooted: rb ? !(await rb.system.markerPresent()) : true });
    if (check.kind === 'not-rebooted') {
      this.d.log.warn(`started in phase rebooting, but the machine did not reboot (the marker in /run is still there); revision ${t.revision} still waits for its reboot`);
      await rb?.system.clearMarker();
      state = this.state = await this.d.store.save({ ...state, phase: 'reboot-required' });
      await this.report(state, 'reboot-required', state.error ?? undefined);
      return { outcome: 'reboot-required', revision: t.revision };
    }
    if (check.kind === 'booted-applied') {
      this.d.log.info(`rebooted into revision ${t.revision} (${t.storePath}); checking its health`);
      const r = await applyDeployment(this.ctx, state, t, {
        previousStorePath: state.previousStorePath,
        substituters: this.d.substituters,
        startAt: resumeStep(check),
        resumed: true,
        booted: true,
      });
      this.state = r.state;
      return { outcome: r.outcome, revision: t.revision, ...(r.error ? { error: r.error } : {}) };
    }
    const err = new BootFailedError({ revision: t.revision, expected: t.storePath, booted: check.booted });
    this.d.log.error(`${err.message} [${err.code}]`);
    if (check.booted !== null) {
      // Before the state says boot-failed: a stop in between runs this check again, which ends the same way.
      try {
        await this.d.executor.setProfile(check.booted);
      } catch (e) {
        this.d.log.error(`cannot point the profile at the system that booted (${stepError(e).message}); the next boot may try revision ${t.revision} again`);
      }
    }
    const quarantined = state.quarantined.includes(t.digest) ? state.quarantined : [...state.quarantined, t.digest].slice(-64);
    const se = stepError(err);
    state = this.state = await this.d.store.save({ ...state, phase: 'boot-failed', quarantined, resumes: 0, error: se });
    await this.report(state, 'boot-failed', se);
    return { outcome: 'boot-failed', revision: t.revision, error: err };
  }

  /**
   * A release waits for its reboot: reboot now when `[reboot]` says it is due
   * (policy, window, slot or drawn moment); undefined while it is not. The
   * state says `rebooting` (and the marker is in /run) before the command
   * runs, so whatever happens next, the start after it knows what to check.
   */
  private async rebootIfDue(): Promise<PollResult | undefined> {
    const rb = this.d.reboot;
    const state = this.current;
    const t = targetOf(state);
    if (!rb || !t || this.d.dryRun) return undefined;
    const decision = decideReboot({
      policy: rb.policy,
      window: rb.window,
      now: this.now(),
      slots: rb.slots !== undefined,
      notBefore: this.rebootNotBefore,
      random: (this.d.random ?? Math.random)(),
    });
    switch (decision.kind) {
      case 'never':
        return undefined;
      case 'outside-window':
        this.rebootNotBefore = undefined;
        return undefined;
      case 'wait':
        if (this.rebootNotBefore === undefined) this.d.log.info(`revision ${t.revision} needs a reboot; rebooting at ${new Date(decision.notBefore).toISOString()} (a random moment in the window)`);
        this.rebootNotBefore = decision.notBefore;
        return undefined;
      case 'ask-slot': {
        const a = await rb.slots!.ask(this.d.channel, t.digest);
        if (!a.granted) {
          this.d.log.info(`revision ${t.revision} needs a reboot; no reboot slot yet (${a.reason}), asking again later`);
          return undefined;
        }
        break;
      }
      case 'reboot':
        break;
    }
    this.rebootNotBefore = undefined;
    let s: AgentState;
    try {
      await rb.system.writeMarker();
      s = this.state = await this.d.store.save({ ...state, phase: 'rebooting', error: null });
    } catch (e) {
      // Nothing ran: a host that cannot record that it reboots does not reboot (the start after it could not tell).
      const err = e instanceof StateWriteError ? e : new StateWriteError({ owner: 'agent', file: REBOOT_MARKER, errno: (e as NodeJS.ErrnoException).code ?? 'error' });
      this.d.log.error(`${err.message} [${err.code}]; not rebooting`);
      await this.report(state, 'reboot-required', { code: err.code, message: err.message });
      return { outcome: 'failed', revision: t.revision, error: err };
    }
    await this.report(s, 'reboot-required');
    this.d.log.warn(`rebooting into revision ${t.revision} (${t.storePath}): running the [reboot] command`);
    try {
      await rb.system.run();
    } catch (e) {
      const se = stepError(e);
      this.d.log.error(`${se.message} [${se.code}]`);
      await rb.system.clearMarker();
      s = this.state = await this.d.store.save({ ...s, phase: 'reboot-required', error: se });
      await this.report(s, 'reboot-required', se);
      return { outcome: 'failed', revision: t.revision, ...(e instanceof OgygiaError ? { error: e } : {}) };
    }
    return { outcome: 'rebooting', revision: t.revision };
  }

  private async pollHead(waitSeconds: number, signal?: AbortSignal): Promise<PollResult> {
    const state = this.current;
    const damaged = await this.floorStillDamaged();
    if (damaged) {
      this.d.log.error(`${damaged.message} [${damaged.code}]`);
      await this.report(state, 'failed', { code: damaged.code, message: damaged.message });
      return { outcome: 'failed', error: damaged };
    }
    // The source is told what was accepted last, so a head that skips revisions comes with the ones in between.
    const floor = replayFloor(state, this.floorFile, this.d.channel);
    let fetched;
    try {
      fetched = await this.d.source.fetch({ waitSeconds, ...(signal ? { signal } : {}), ...(floor ? { since: floor } : {}) });
    } catch (e) {
      if (!(e instanceof OgygiaError)) throw e;
      if (signal?.aborted) return { outcome: 'unchanged' };
      this.d.log.warn(e.message);
      return { outcome: 'source-unavailable', error: e };
    }
    if (fetched.kind === 'unchanged') return { outcome: 'unchanged' };
    const head = fetched.head;
    let descendsFromFloor: boolean | undefined;
    if (this.d.source.descends && floor?.commit !== undefined && floor.commit !== head.commit) {
      descendsFromFloor = await this.d.source.descends(head.commit, floor.commit);
    }
    let verified;
    try {
      verified = verifyHead(head, {
        channel: this.d.channel,
        host: this.d.host,
        policy: this.d.policy,
        now: this.now(),
        ...(floor ? { floor } : {}),
        ...(descendsFromFloor !== undefined ? { descendsFromFloor } : {}),
      });
    } catch (e) {
      if (!(e instanceof OgygiaError)) throw e;
      this.d.log.error(`refused the head of ${this.d.channel} at commit ${head.commit.slice(0, 12)}: ${e.message} [${e.code}]`);
      await this.report(state, 'refused', { code: e.code, message: e.message });
      return { outcome: 'refused', error: e };
    }
    const action = planPoll(state, verified, { dryRun: this.d.dryRun, substituters: this.d.substituters });
    const rev = verified.release.revision;
    if (action.kind === 'nothing') {
      this.d.log.debug(`revision ${rev} of ${this.d.channel}: ${action.reason}`);
      await this.report(state, restingReportState(state.phase));
      return { outcome: action.reason, revision: rev };
    }
    if (action.kind === 'would-apply') {
      this.d.log.info(`dry run: would apply revision ${rev} (${action.deployment.storePath}) of ${this.d.channel}`);
      return { outcome: 'would-apply', revision: rev };
    }
    let r: Awaited<ReturnType<typeof applyDeployment>>;
    try {
      // Where a rollback would go, read before anything changes: an unreadable profile stops the apply here.
      const previous = previousStorePath(await this.d.executor.profileTarget(), action.deployment, state);
      // Accept: raise the floor first, so no crash from here on can let an older release in again.
      const accepted = { channel: this.d.channel, revision: rev, digest: verified.digest, commit: verified.commit };
      await this.d.store.raiseFloor(accepted);
      this.floorFile = accepted;
      r = await applyDeployment(this.ctx, { ...state, channel: this.d.channel }, action.deployment, {
        previousStorePath: previous,
        substituters: action.substituters,
        startAt: 'copy',
        resumed: false,
      });
    } catch (e) {
      // Nothing changed yet (the state could not be recorded, the profile could not be read, the floor is
      // damaged): apply nothing, say why, retry next poll.
      if (!(e instanceof StateWriteError || e instanceof ProfileError || e instanceof ReplayFloorCorruptError)) throw e;
      if (e instanceof ReplayFloorCorruptError) this.floorDamage = e;
      this.d.log.error(`${e.message} [${e.code}]`);
      await this.report(state, 'failed', { code: e.code, message: e.message });
      this.d.source.reset();
      return { outcome: 'failed', revision: rev, error: e };
    }
    this.state = r.state;
    if (r.outcome === 'failed') this.d.source.reset();
    return { outcome: r.outcome, revision: rev, ...(r.error ? { error: r.error } : {}) };
  }

  /** Send the last report again with fresh local revisions and time, so the reconciler does not mark the host stale. */
  async heartbeat(): Promise<void> {
    const h = heartbeatReport(this.lastReport, this.current.phase);
    return this.report(this.current, h.reportState, h.error);
  }

  /** While the floor is damaged, read it again (an operator may have fixed it); the error when it still is. */
  private async floorStillDamaged(): Promise<ReplayFloorCorruptError | undefined> {
    if (!this.floorDamage) return undefined;
    try {
      this.floorFile = await this.d.store.readFloor();
    } catch (e) {
      if (!(e instanceof ReplayFloorCorruptError)) throw e;
      this.floorDamage = e;
      return e;
    }
    this.floorDamage = undefined;
    this.d.log.info(`the replay floor reads again (${this.floorFile ? `revision ${this.floorFile.revision}` : 'none: the state decides'}); applies resume`);
    return undefined;
  }

  private async localRevisions(): Promise<HostRevisions> {
    try {
      return await readLocalRevisions(this.d.root);
    } catch (e) {
      this.d.log.warn(`cannot read this host's revisions (${(e as Error).message}); reporting them as ${UNKNOWN}`);
      return { current: UNKNOWN, booted: UNKNOWN, nextboot: UNKNOWN };
    }
  }

  private async report(s: AgentState, reportState: ReportState, error?: StepError, timings?: Record<string, number>): Promise<void> {
    const report = buildReport({
      host: this.d.host,
      channel: this.d.channel,
      agentVersion: this.d.agentVersion,
      state: s,
      reportState,
      revisions: await this.localRevisions(),
      ...(error ? { error } : {}),
      ...(timings ? { timings } : {}),
      now: this.now(),
    });
    this.lastReport = report;
    try {
      this.d.publish(report);
    } catch (e) {
      this.d.log.warn(`could not queue a report: ${(e as Error).message}`);
    }
  }
}

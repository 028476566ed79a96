import { chooseSubstituters } from './substituters.js';
import type { VerifiedRelease } from './verify.js';
import { IN_FLIGHT, type AgentState, type Deployment } from './state.js';

/**
 * Pure decisions: state + verified release → next action, and state → what to
 * do after a restart. Literal cases in plan.test.ts.
 */
export type PlannedAction =
  | { readonly kind: 'nothing'; readonly reason: 'up-to-date' | 'quarantined' }
  | { readonly kind: 'apply'; readonly deployment: Deployment };

export function deploymentOf(v: VerifiedRelease): Deployment {
  return { revision: v.release.revision, digest: v.digest, commit: v.commit, storePath: v.storePath, sourceRevision: v.release.source.revision };
}

/** Phases in which the state's release is on this host: applied, or applied and waiting for (or in) its reboot. */
const HOLDS_RELEASE: ReadonlySet<AgentState['phase']> = new Set(['applied', 'reboot-required', 'rebooting']);

export function planRelease(state: AgentState, v: VerifiedRelease): PlannedAction {
  if (state.quarantined.includes(v.digest)) return { kind: 'nothing', reason: 'quarantined' };
  if (state.digest === v.digest && HOLDS_RELEASE.has(state.phase)) return { kind: 'nothing', reason: 'up-to-date' };
  return { kind: 'apply', deployment: deploymentOf(v) };
}

/** What one poll does with a verified head. */
export type PollAction =
  | { readonly kind: 'nothing'; readonly reason: 'up-to-date' | 'quarantined' }
  /** --dry-run: the head would be applied; nothing is touched. */
  | { readonly kind: 'would-apply'; readonly deployment: Deployment }
  | { readonly kind: 'apply'; readonly deployment: Deployment; readonly substituters: readonly string[] };

/**
 * Pure: state + verified head → what the poll does: nothing, report what a
 * dry run would apply, or apply the deployment from the chosen substituters.
 */
export function planPoll(state: AgentState, v: VerifiedRelease, opts: { readonly dryRun: boolean; readonly substituters: readonly string[] }): PollAction {
  const planned = planRelease(state, v);
  if (planned.kind === 'nothing') return planned;
  if (opts.dryRun) return { kind: 'would-apply', deployment: planned.deployment };
  return { kind: 'apply', deployment: planned.deployment, substituters: chooseSubstituters(v.release, opts.substituters) };
}

/** After this many resumes of one in-flight apply, the agent rolls back instead (a switch that kills the agent would loop). */
export const MAX_RESUMES = 2;

export type RecoveryAction =
  | { readonly kind: 'none' }
  /** Nothing changed yet (crash while copying): run the apply again from the copy. */
  | { readonly kind: 'resume-copy' }
  /** The profile may have changed: set it and switch again (both idempotent), then health-check. */
  | { readonly kind: 'resume-switch' }
  /** The switch finished: run the health check again. */
  | { readonly kind: 'recheck-health' }
  | { readonly kind: 'rollback'; readonly reason: 'crash-loop' | 'interrupted-rollback' }
  /** The agent started in `rebooting`: see whether the machine rebooted, and into what (`afterReboot`). */
  | { readonly kind: 'confirm-boot' };

/**
 * Pure: what a start does with the state it finds. `booted` is where
 * /run/booted-system resolves (null: absent; undefined: not read): a host
 * waiting for its reboot that already runs the applied system was rebooted
 * by someone else (policy `never`: an operator), and its boot is confirmed.
 */
export function planRecovery(state: AgentState, booted?: string | null): RecoveryAction {
  if (state.phase === 'rebooting') return { kind: 'confirm-boot' };
  if (state.phase === 'reboot-required' && booted != null && booted === state.storePath) return { kind: 'confirm-boot' };
  if (!IN_FLIGHT.has(state.phase)) return { kind: 'none' };
  if (state.phase === 'rolling-back') return { kind: 'rollback', reason: 'interrupted-rollback' };
  if (state.phase === 'copying') return { kind: 'resume-copy' };
  if (state.resumes >= MAX_RESUMES) return { kind: 'rollback', reason: 'crash-loop' };
  return state.phase === 'health-checking' ? { kind: 'recheck-health' } : { kind: 'resume-switch' };
}

/** What the start after `rebooting` finds (the I/O gathers it). */
export interface BootFacts {
  /** The system the agent applied and rebooted for. */
  readonly expected: string;
  /** Where /run/booted-system resolves now; null when it is absent. */
  readonly booted: string | null;
  /** False while the reboot marker in /run (a tmpfs, emptied by every boot) is still there: the machine did not reboot. */
  readonly rebooted: boolean;
}

export type BootCheck =
  /** The machine came back on the applied system: check its health; the apply then completes (in-sync). */
  | { readonly kind: 'booted-applied' }
  /** The machine came back on another system: quarantine the release, point the profile at what booted. */
  | { readonly kind: 'boot-failed'; readonly booted: string | null }
  /** No reboot happened (the agent stopped before, or the command did not take the host down): wait for the reboot again. */
  | { readonly kind: 'not-rebooted' };

/** Pure: what a start in `rebooting` does. */
export function afterReboot(f: BootFacts): BootCheck {
  if (!f.rebooted) return { kind: 'not-rebooted' };
  return f.booted === f.expected ? { kind: 'booted-applied' } : { kind: 'boot-failed', booted: f.booted };
}

/** Where an apply (re)starts: a fresh apply and a crash while copying start at `copy`. */
export type StartAt = 'copy' | 'switch' | 'health';

export type ResumeAction = Extract<RecoveryAction, { kind: 'resume-copy' | 'resume-switch' | 'recheck-health' }> | Extract<BootCheck, { kind: 'booted-applied' }>;

/** Pure: the step a resumed apply starts at (`switch` sets the profile again first; a confirmed boot only checks health). */
export function resumeStep(rec: ResumeAction): StartAt {
  switch (rec.kind) {
    case 'resume-copy':
      return 'copy';
    case 'resume-switch':
      return 'switch';
    case 'recheck-health':
    case 'booted-applied':
      return 'health';
  }
}

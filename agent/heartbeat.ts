import type { Report as AgentReport, ReportState } from '../core/wire/report.js';
import { restingReportState } from './report/build.js';
import type { PollOutcome } from './outcome.js';
import type { Phase, StepError } from './state.js';

/**
 * Pure: when the agent re-sends its last report so the reconciler does not mark
 * the host `stale`, and what it re-sends.
 */

/** Re-send at least this often: every poll interval, and at least once a minute. */
export function heartbeatEveryMs(pollIntervalMs: number): number {
  return Math.min(60_000, pollIntervalMs);
}

/**
 * What the loop does about heartbeats after a poll: a poll that saw something
 * counts as a sign of life itself (`polled`: the clock restarts), a run of
 * `unchanged` polls gets a heartbeat once `heartbeatEveryMs` passed since the
 * last sign of life (`send`, then the clock restarts), else `wait`.
 */
export type HeartbeatStep = 'send' | 'polled' | 'wait';

export function heartbeatAfter(outcome: PollOutcome, msSinceLastBeat: number, pollIntervalMs: number): HeartbeatStep {
  if (outcome !== 'unchanged') return 'polled';
  return msSinceLastBeat >= heartbeatEveryMs(pollIntervalMs) ? 'send' : 'wait';
}

/**
 * The state and error a heartbeat reports: the last report's, except that an
 * `applying` report is not repeated once the apply is over (the heartbeat runs
 * between polls, when no step is running); before any report, the resting state.
 */
export function heartbeatReport(last: AgentReport | undefined, phase: Phase): { readonly reportState: ReportState; readonly error?: StepError } {
  if (!last) return { reportState: restingReportState(phase) };
  const reportState = last.state === 'applying' ? restingReportState(phase) : last.state;
  return last.error ? { reportState, error: last.error } : { reportState };
}

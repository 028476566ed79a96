import type { HostRevisions } from '../../core/fleet/types.js';
import type { AgentState, Phase, StepError } from '../state.js';
import { REPORT_TEXT_MAX, type Report as AgentReport, type ReportState } from '../../core/wire/report.js';

/** The agent's limits on a report's error text: the wire schema's (core/wire/report.ts). */
export const REPORT_MESSAGE_MAX = REPORT_TEXT_MAX;
export const REPORT_OUTPUT_TAIL_MAX = REPORT_TEXT_MAX;

/** What a report says, gathered by the manager (the local revisions are read from the system). */
export interface ReportFacts {
  readonly host: string;
  readonly channel: string;
  readonly agentVersion: string;
  readonly state: AgentState;
  readonly reportState: ReportState;
  readonly revisions: HostRevisions;
  readonly error?: StepError;
  readonly timings?: Readonly<Record<string, number>>;
  readonly now: Date;
}

/**
 * Pure: the report body (DESIGN.md §5, docs/agent.md "Reports"). Its
 * `revision`/`digest`/`commit` are the release this host has *applied*
 * (`good`; null before the first), which the reconciler compares with the
 * served head; an error's message keeps its start and its output tail its end.
 */
export function buildReport(f: ReportFacts): AgentReport {
  const good = f.state.good;
  const e = f.error;
  return {
    host: f.host,
    channel: f.channel,
    state: f.reportState,
    revision: good?.revision ?? null,
    digest: good?.digest ?? null,
    commit: good?.commit ?? null,
    current: f.revisions.current,
    booted: f.revisions.booted,
    nextboot: f.revisions.nextboot,
    ...(e
      ? {
          error: {
            code: e.code,
            message: e.message.slice(0, REPORT_MESSAGE_MAX),
            ...(e.outputTail ? { outputTail: e.outputTail.slice(-REPORT_OUTPUT_TAIL_MAX) } : {}),
          },
        }
      : {}),
    ...(f.timings ? { timings: { ...f.timings } } : {}),
    agentVersion: f.agentVersion,
    reportedAt: f.now.toISOString(),
  };
}

/** Pure: the report state while no step runs: the outcome of the last apply (a pending or running reboot is `reboot-required`), or `idle`. */
export function restingReportState(phase: Phase): ReportState {
  switch (phase) {
    case 'applied':
    case 'rolled-back':
    case 'failed':
    case 'reboot-required':
    case 'boot-failed':
      return phase;
    case 'rebooting':
      return 'reboot-required';
    default:
      return 'idle';
  }
}

import type { HostState } from '../../core/wire/host-row.js';
import type { Report } from '../../core/wire/report.js';

/** What the reconciler currently serves on the host's channel. */
export interface Desired {
  readonly revision: number;
  readonly digest: string;
}

/**
 * Pure: a host's derived state from its last report, the channel's served
 * head and the time. No report for longer than `staleAfterMs` is `stale`
 * whatever it said; then what the agent is doing; then whether what it
 * applied is what is served.
 */
export function deriveHostState(report: Pick<Report, 'state' | 'revision' | 'digest'>, receivedAt: string, desired: Desired | undefined, now: Date, staleAfterMs: number): HostState {
  if (now.getTime() - Date.parse(receivedAt) > staleAfterMs) return 'stale';
  switch (report.state) {
    case 'applying':
      return 'applying';
    case 'failed':
    case 'refused':
      return 'failed';
    case 'rolled-back':
      return 'rolled-back';
    case 'boot-failed':
      return 'boot-failed';
    case 'reboot-required':
      return 'reboot-required';
    default:
      break;
  }
  if (desired && report.revision === desired.revision && report.digest === desired.digest) return 'in-sync';
  return 'pending';
}

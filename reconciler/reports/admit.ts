import { ReportReplayError, TooManyHostsError } from '../../core/errors/index.js';
import type { StoredReport } from './store.js';

/** What decides whether a report is kept, besides the host's previous report. */
export interface AdmitRules {
  /** `[reports] max_hosts`: a report for a host not kept yet is refused once this many are. */
  readonly maxHosts: number;
  /**
   * For a signed report (hosts.toml on the branch): the enrolled key that
   * verified it (hex). Its `seq` must then be above the last one kept for the
   * host under that same key. Unset for bearer-token and open reports: `seq`
   * is kept but not checked.
   */
  readonly signer?: string;
}

export type Admission = { readonly kept: true } | { readonly kept: false; readonly error: ReportReplayError | TooManyHostsError };

/**
 * Pure: whether a report is kept, given the host's previous report (if any)
 * and how many hosts are kept. A signed report needs a `seq` above the
 * previous one signed by the same key (a report signed by a key no longer
 * enrolled does not hold a re-enrolled host back); a new host is refused
 * once `maxHosts` hosts are kept.
 */
export function admitReport(incoming: StoredReport, previous: StoredReport | undefined, knownHosts: number, rules: AdmitRules): Admission {
  const host = incoming.report.host;
  if (rules.signer !== undefined) {
    const seq = incoming.report.seq;
    const last = previous && previous.signer === rules.signer ? (previous.report.seq ?? null) : null;
    if (seq === undefined || (last !== null && seq <= last)) {
      return { kept: false, error: new ReportReplayError({ host, seq: seq ?? null, last }) };
    }
  }
  if (previous === undefined && knownHosts >= rules.maxHosts) {
    return { kept: false, error: new TooManyHostsError({ host, maxHosts: rules.maxHosts }) };
  }
  return { kept: true };
}

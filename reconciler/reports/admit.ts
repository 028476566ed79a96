import { ReportReplayError, TooManyHostsError } from '../../core/errors/index.js';
import type { Admission, AdmitRules, StoredReport } from './store.js';

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

import { z } from 'zod';
import { canonicalHost } from '../../core/host-identity.js';
import { timestampField } from '../../core/wire/fields.js';
import { reportSchema } from '../../core/wire/report.js';
import type { ReportReplayError, TooManyHostsError } from '../../core/errors/index.js';
import type { HistoryEntry } from './history.js';

/**
 * A report as stored: the report (core/wire/report.ts), when this reconciler
 * (or a replica) received it, and for a signed report the enrolled key that
 * verified it (hex), so a later report's `seq` is compared only with reports
 * signed by the same key.
 */
export const storedReportSchema = z.strictObject({
  report: reportSchema,
  receivedAt: timestampField,
  signer: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});
export type StoredReport = z.output<typeof storedReportSchema>;

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
 * Where reports live: memory + snapshot file (one reconciler) or etcd
 * (replicas share one fleet view). One entry per host, keyed by its
 * canonical name (core/host-identity.ts), so WEB01 and web01 are one host.
 */
export interface ReportStore {
  readonly kind: 'memory' | 'etcd';
  /**
   * Keep `stored` as the host's report unless admitReport (reports/admit.ts)
   * refuses it against the host's previous report and the number of hosts
   * kept: the look-up, the decision and the write are one step, so two
   * reports racing cannot both pass the check. A refused report is kept nowhere.
   */
  keep(host: string, stored: StoredReport, rules: AdmitRules): Promise<Admission>;
  list(): Promise<readonly StoredReport[]>;
  /**
   * Call `listener` with a report's channel and host each time this store's
   * view takes in a report from its watch (etcd: after applying it, so
   * `list()` already has it). That is every report another replica keeps,
   * and now and then one of this replica's own, when the watch brings it
   * before the write's answer does (harmless: one more look). A store with no
   * other writers (memory) never calls it.
   */
  onOtherReport(listener: (channel: string, host: string) => void): void;
  /** The host's report history, newest first (reports/history.ts): one entry per change of state, release or error. */
  history(host: string): Promise<readonly HistoryEntry[]>;
  close(): Promise<void>;
}

/** The key a host's report is kept under: its canonical name. */
export function reportKey(host: string): string {
  return canonicalHost(host);
}

/** Pure: a stored report read back (etcd value, snapshot entry) through its schema; undefined when it does not match. */
export function parseStoredReport(value: unknown): StoredReport | undefined {
  const parsed = storedReportSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** Pure: one report per host (by canonical name), the one received last; for entries kept before names were canonical. */
export function latestPerHost(reports: Iterable<StoredReport>): Map<string, StoredReport> {
  const out = new Map<string, StoredReport>();
  for (const r of reports) {
    const k = reportKey(r.report.host);
    const prev = out.get(k);
    if (!prev || prev.receivedAt < r.receivedAt) out.set(k, r);
  }
  return out;
}

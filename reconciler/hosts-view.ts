import type { ServedState } from './heads.js';
import { deriveHostState, type HostState } from './reports/derive.js';
import type { StoredReport } from './reports/schema.js';

/** One row of GET /v1/hosts and the dashboard. */
export interface HostView {
  readonly host: string;
  readonly channel: string;
  readonly state: HostState;
  readonly agentState: string;
  readonly desired: { readonly revision: number; readonly digest: string; readonly commit: string } | null;
  readonly applied: { readonly revision: number | null; readonly digest: string | null; readonly commit: string | null };
  readonly current: string | null;
  readonly booted: string | null;
  readonly nextboot: string | null;
  readonly error: { readonly code: string; readonly message: string; readonly outputTail?: string } | null;
  readonly agentVersion: string;
  readonly reportedAt: string;
  readonly lastSeen: string;
}

/** Pure: reports + served heads + time → the fleet view, sorted by host. */
export function hostsView(reports: readonly StoredReport[], state: ServedState, now: Date, staleAfterMs: number): HostView[] {
  return reports
    .map(({ report: r, receivedAt }) => {
      const h = Object.hasOwn(state.heads, r.channel) ? state.heads[r.channel] : undefined;
      const desired = h ? { revision: h.revision, digest: h.digest, commit: h.commit } : null;
      return {
        host: r.host,
        channel: r.channel,
        state: deriveHostState(r, receivedAt, desired ?? undefined, now, staleAfterMs),
        agentState: r.state,
        desired,
        applied: { revision: r.revision, digest: r.digest, commit: r.commit },
        current: r.current ?? null,
        booted: r.booted ?? null,
        nextboot: r.nextboot ?? null,
        error: r.error ?? null,
        agentVersion: r.agentVersion,
        reportedAt: r.reportedAt,
        lastSeen: receivedAt,
      };
    })
    .sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
}

export function countByState(rows: readonly HostView[]): Record<HostState, number> {
  const counts: Record<HostState, number> = { 'in-sync': 0, pending: 0, applying: 0, failed: 0, 'rolled-back': 0, stale: 0 };
  for (const r of rows) counts[r.state]++;
  return counts;
}

import type { ServedState } from './heads.js';
import { deriveHostState } from './reports/derive.js';
import type { StoredReport } from './reports/store.js';
import { HOST_STATES, type HostRow, type HostState } from '../core/wire/host-row.js';

/** Pure: reports + served heads + time → the fleet view (rows of GET /v1/hosts, core/wire/host-row.ts), sorted by host. */
export function hostsView(reports: readonly StoredReport[], state: ServedState, now: Date, staleAfterMs: number): HostRow[] {
  return reports
    .map(({ report: r, receivedAt }): HostRow => {
      const h = Object.hasOwn(state.heads, r.channel) ? state.heads[r.channel] : undefined;
      const desired = h ? { revision: h.revision, digest: h.digest, commit: h.commit } : null;
      return {
        host: r.host,
        channel: r.channel,
        state: deriveHostState(r, receivedAt, desired ?? undefined, now, staleAfterMs),
        agentState: r.state,
        desired,
        applied: { revision: r.revision, digest: r.digest, commit: r.commit },
        current: r.current,
        booted: r.booted,
        nextboot: r.nextboot,
        error: r.error ?? null,
        agentVersion: r.agentVersion,
        reportedAt: r.reportedAt,
        lastSeen: receivedAt,
      };
    })
    .sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
}

export function countByState(rows: readonly HostRow[]): Record<HostState, number> {
  const counts = Object.fromEntries(HOST_STATES.map((s) => [s, 0])) as Record<HostState, number>;
  for (const r of rows) counts[r.state]++;
  return counts;
}

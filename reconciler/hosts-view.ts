import type { ServedHead, ServedState } from './heads.js';
import { deriveHostState } from './reports/derive.js';
import type { StoredReport } from './reports/store.js';
import type { RolloutManager } from './rollout/manager.js';
import { HOST_STATES, type HostRow, type HostState } from '../core/wire/host-row.js';

/**
 * What one host is served on a channel whose head is `head` (a staged
 * rollout holds a host whose wave is not open on an earlier release, DESIGN
 * §12); null: nothing yet. Without one, every host is served the head.
 */
export type DesiredFor = (channel: string, host: string, head: ServedHead) => ServedHead | null;

/** What the rollouts serve each host (reconciler/rollout/manager.ts releaseFor). */
export function servedBy(rollouts: Pick<RolloutManager, 'releaseFor'>): DesiredFor {
  return (channel, host, head) => rollouts.releaseFor(channel, host, head);
}

/**
 * Pure: reports + served heads + time → the fleet view (rows of GET /v1/hosts,
 * core/wire/host-row.ts), sorted by host. A host's `desired` is what it is
 * served, so a host a rollout holds back is in-sync on the release it may have.
 */
export function hostsView(reports: readonly StoredReport[], state: ServedState, now: Date, staleAfterMs: number, desiredFor?: DesiredFor): HostRow[] {
  return reports
    .map(({ report: r, receivedAt }): HostRow => {
      const head = Object.hasOwn(state.heads, r.channel) ? state.heads[r.channel] : undefined;
      const h = head && desiredFor ? desiredFor(r.channel, r.host, head) : head;
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

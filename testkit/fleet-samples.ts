import type { HostRevisions } from '../core/fleet/types.js';
import type { FleetDetail } from '../core/wire/fleet-detail.js';

/** What an agent writes to `<host>/agent` in a fleet store (core/wire/fleet-detail.ts): prod revision 42, applied. */
export function fleetDetail(over: Partial<FleetDetail> = {}): FleetDetail {
  return {
    channel: 'prod',
    state: 'applied',
    revision: 42,
    digest: 'sha256:' + 'a'.repeat(64),
    commit: 'c'.repeat(40),
    agentVersion: '0.1.0',
    reportedAt: '2026-11-21T10:00:00.000Z',
    ...over,
  };
}

/** A host's three build revisions, as `ogygia report` publishes them. */
export function revs(current: string, booted: string, nextboot: string): HostRevisions {
  return { current, booted, nextboot };
}

import type { HostRevisions } from '../core/fleet/types.js';
import type { FleetDetail } from '../core/wire/fleet-detail.js';
import type { Report } from '../core/wire/report.js';

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

/**
 * A report as an agent on channel prod sends it (core/wire/report.ts):
 * applied at revision 1, no digest or commit, build revisions unknown,
 * reported at 2026-11-21T10:00:00Z. `over` sets the rest.
 */
export function sampleReport(host: string, over: Partial<Report> = {}): Report {
  return {
    host,
    channel: 'prod',
    state: 'applied',
    revision: 1,
    digest: null,
    commit: null,
    current: 'unknown',
    booted: 'unknown',
    nextboot: 'unknown',
    agentVersion: '0.1.0',
    reportedAt: '2026-11-21T10:00:00Z',
    ...over,
  };
}

import { hostsResponseSchema, type HostRow } from '../core/wire/host-row.js';
import { wireProblems } from '../core/wire/problems.js';
import { fromHostRow } from './agent-detail.js';
import type { FleetHost } from './rows.js';

/** Pure: the fleet from the reconciler's rows (core/wire/host-row.ts): the agent's revisions and, for `--wide`, the channel view. */
export function fleetFromHostRows(rows: readonly HostRow[]): FleetHost[] {
  return rows.map((row) => ({ host: row.host, current: row.current, booted: row.booted, nextboot: row.nextboot, detail: fromHostRow(row) }));
}

/**
 * Pure: a `GET /v1/hosts` body read through its schema: the fleet, or the
 * problems (`path: message`) that make it something else, each without
 * control characters and at most 200 characters (field names come from the
 * body and end up on a terminal).
 */
export function readHostsBody(body: unknown): { fleet: FleetHost[] } | { problems: string[] } {
  const parsed = hostsResponseSchema.safeParse(body);
  if (parsed.success) return { fleet: fleetFromHostRows(parsed.data.hosts) };
  return { problems: wireProblems(parsed.error) };
}

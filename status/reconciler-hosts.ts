import { hostsResponseSchema, type HostRow } from '../core/wire/host-row.js';
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
  const at = (path: readonly PropertyKey[]): string => path.map(String).join('.') || '(body)';
  const clean = (s: string): string => s.replace(/\p{Cc}/gu, '?').slice(0, 200);
  return {
    problems: parsed.error.issues
      .flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys.map((k) => `${at([...i.path, k])}: unknown field`) : [`${at(i.path)}: ${i.message}`]))
      .map(clean),
  };
}

import type { FleetEntry, HostRevisions } from '../core/fleet/types.js';
import { shortRevision } from '../core/local-revisions.js';
import { type AgentDetail, type HostDetail, agentDetail, fromFleetDetail } from './agent-detail.js';
import { domainTrimmer } from './domain.js';
import { relateTo } from '../core/host-identity.js';

/** One line of the status table, already in display form. */
export interface StatusRow extends AgentDetail {
  /** The name as detected (local) or published (fleet). */
  readonly host: string;
  /** The name with the configured domain trimmed. */
  readonly name: string;
  /** What the Host column shows: `name`, or `* NAME (local)` for this host in fleet mode. */
  readonly label: string;
  readonly local: boolean;
  readonly current: string;
  readonly booted: string;
  readonly nextboot: string;
}

/** One host as a fleet source (store or reconciler) gives it; a missing revision is undefined (shown as `unknown`). */
export interface FleetHost {
  readonly host: string;
  readonly current?: string;
  readonly booted?: string;
  readonly nextboot?: string;
  /** The `--wide` columns, when the source knows them. */
  readonly detail?: HostDetail;
}

/** Pure: the fleet from etcd or ZooKeeper entries; the wide columns come from the agent's `<host>/agent` detail. */
export function fleetFromStore(entries: readonly FleetEntry[]): FleetHost[] {
  // An entry without agent detail already is a FleetHost: no copy (a fleet listing has tens of thousands).
  return entries.map((e) => {
    if (!e.agent) return e;
    const { agent, ...revisions } = e;
    return { ...revisions, detail: fromFleetDetail(agent) };
  });
}

export interface RowsInput {
  readonly localHost: string;
  readonly localRevisions: HostRevisions;
  /** undefined: local-only mode (no marker); an array (maybe empty): fleet mode. */
  readonly fleet?: readonly FleetHost[];
  readonly domain?: string;
}

/**
 * Pure: the table's rows. This host comes first with what its own filesystem
 * says (whatever the store holds for it); the others follow sorted by their
 * shown name, each revision cut to 12 characters, `unknown` when missing.
 */
export function buildRows(input: RowsInput): StatusRow[] {
  const fleetMode = input.fleet !== undefined;
  const fleet = input.fleet ?? [];
  // The host identity rule (core/host-identity.ts), once per host: its own entry, else one that names it another way (a short name, its FQDN).
  const relate = relateTo(input.localHost);
  const trim = domainTrimmer(input.domain);
  const relations = fleet.map((e) => relate(e.host));
  const mine = fleet[relations.indexOf('same')] ?? fleet[relations.indexOf('looks-alike')];
  const shownLocal = trim(input.localHost);
  const local: StatusRow = {
    host: input.localHost,
    name: shownLocal,
    label: fleetMode ? `* ${shownLocal} (local)` : shownLocal,
    local: true,
    current: shortRevision(input.localRevisions.current),
    booted: shortRevision(input.localRevisions.booted),
    nextboot: shortRevision(input.localRevisions.nextboot),
    ...agentDetail(mine?.detail),
  };
  const others: Array<{ row: StatusRow; key: string }> = [];
  fleet.forEach((e, i) => {
    if (relations[i] !== 'different') return;
    const name = trim(e.host);
    const row: StatusRow = {
      host: e.host,
      name,
      label: name,
      local: false,
      current: shortRevision(e.current),
      booted: shortRevision(e.booted),
      nextboot: shortRevision(e.nextboot),
      ...agentDetail(e.detail),
    };
    others.push({ row, key: name.toLowerCase() });
  });
  // Sorted by shown name, case-insensitively (the lower-cased key worked out once per row, not per comparison), then by full name.
  others.sort((a, b) => compare(a.key, b.key) || compare(a.row.host, b.row.host));
  return [local, ...others.map((o) => o.row)];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

import type { FleetDetail } from '../core/wire/fleet-detail.js';
import type { HostRow } from '../core/wire/host-row.js';

/** What a fleet source says about a host for the `--wide` columns, as read (before display). */
export interface HostDetail {
  readonly channel?: string;
  readonly revision?: number | null;
  readonly state?: string;
  readonly lastSeen?: string;
}

/** The `--wide` columns, in display form. */
export interface AgentDetail {
  readonly channel?: string;
  readonly revision?: string;
  readonly state?: string;
  readonly lastSeen?: string;
}

/** Pure: the wide columns of an agent's `<host>/agent` detail (core/wire/fleet-detail.ts): its channel, the revision it applied, its own state, when it reported. */
export function fromFleetDetail(d: FleetDetail): HostDetail {
  return { channel: d.channel, revision: d.revision, state: d.state, lastSeen: d.reportedAt };
}

/** Pure: the wide columns of a reconciler row (core/wire/host-row.ts): its channel, the applied revision, the derived state, when the reconciler last heard from it. */
export function fromHostRow(row: HostRow): HostDetail {
  return { channel: row.channel, revision: row.applied.revision, state: row.state, lastSeen: row.lastSeen };
}

function text(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

/** Pure: an ISO time shown to the second in UTC (`2026-11-21T10:00:00Z`); other text as it is. */
export function formatLastSeen(v: string | undefined): string | undefined {
  const t = text(v);
  if (t === undefined) return undefined;
  const d = new Date(t);
  return /^\d{4}-\d{2}-\d{2}T/.test(t) && !Number.isNaN(d.getTime()) ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : t;
}

/** Pure: the wide columns in display form; a field that is not known is left out (shown as `-`). */
export function agentDetail(detail: HostDetail | undefined): AgentDetail {
  if (!detail) return {};
  const out: { channel?: string; revision?: string; state?: string; lastSeen?: string } = {};
  const channel = text(detail.channel);
  const revision = typeof detail.revision === 'number' ? String(detail.revision) : undefined;
  const state = text(detail.state);
  const lastSeen = formatLastSeen(detail.lastSeen);
  if (channel !== undefined) out.channel = channel;
  if (revision !== undefined) out.revision = revision;
  if (state !== undefined) out.state = state;
  if (lastSeen !== undefined) out.lastSeen = lastSeen;
  return out;
}

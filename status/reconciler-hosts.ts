import type { FleetEntry } from '../core/fleet/types.js';

/** The fields of one `GET /v1/hosts` row that `ogygia status` uses (docs/status.md). */
function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim().length > 0 ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/**
 * Pure: fleet entries from the reconciler's `GET /v1/hosts` body: an array of
 * rows, or `{ "hosts": [...] }`. A row names its host (`host`), the agent's
 * revisions (`current`, `booted`, `nextboot`, at the top level or under
 * `report`/`revisions`) and the channel view (`channel`, `desiredRevision`,
 * `appliedRevision`, `state`, `lastSeen`), which becomes the `--wide` detail.
 * Rows without a host name are skipped. Returns undefined when the body is
 * not of that shape.
 */
export function entriesFromReconcilerHosts(body: unknown): FleetEntry[] | undefined {
  const list = Array.isArray(body) ? body : obj(body)?.hosts;
  if (!Array.isArray(list)) return undefined;
  const out: FleetEntry[] = [];
  for (const item of list) {
    const row = obj(item);
    const host = str(row?.host) ?? str(row?.name);
    if (!row || !host) continue;
    const revs = obj(row.report) ?? obj(row.revisions) ?? row;
    const agent: Record<string, unknown> = {};
    for (const [k, v] of Object.entries({
      channel: row.channel,
      revision: row.appliedRevision ?? row.revision,
      desiredRevision: row.desiredRevision,
      state: row.state,
      lastSeen: row.lastSeen ?? row.reportedAt,
    })) {
      if (v !== undefined && v !== null) agent[k] = v;
    }
    const e: { host: string; current?: string; booted?: string; nextboot?: string; agent?: Record<string, unknown> } = { host };
    const current = str(revs.current);
    const booted = str(revs.booted);
    const nextboot = str(revs.nextboot ?? revs.nextBoot);
    if (current) e.current = current;
    if (booted) e.booted = booted;
    if (nextboot) e.nextboot = nextboot;
    if (Object.keys(agent).length > 0) e.agent = agent;
    out.push(e);
  }
  return out.sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
}

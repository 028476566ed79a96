/** The `--wide` columns: what the agent (or the reconciler) says about a host. */
export interface AgentDetail {
  readonly channel?: string;
  readonly revision?: string;
  readonly state?: string;
  readonly lastSeen?: string;
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string' && v.trim().length > 0) return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** Pure: an ISO time shown to the second in UTC (`2026-11-21T10:00:00Z`); other text as it is. */
export function formatLastSeen(v: unknown): string | undefined {
  const t = typeof v === 'number' ? new Date(v).toISOString() : text(v);
  if (t === undefined) return undefined;
  const d = new Date(t);
  return /^\d{4}-\d{2}-\d{2}T/.test(t) && !Number.isNaN(d.getTime()) ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : t;
}

/**
 * Pure: the wide columns from an agent's `<host>/agent` JSON (or a reconciler
 * row). Accepts `channel`, `revision` (or `appliedRevision`), `state` (or
 * `phase`) and `lastSeen` (or `reportedAt`, `at`); anything else is ignored.
 */
export function agentDetail(agent: Record<string, unknown> | undefined): AgentDetail {
  if (!agent) return {};
  const out: { channel?: string; revision?: string; state?: string; lastSeen?: string } = {};
  const channel = text(agent.channel);
  const revision = text(agent.revision ?? agent.appliedRevision);
  const state = text(agent.state ?? agent.phase);
  const lastSeen = formatLastSeen(agent.lastSeen ?? agent.reportedAt ?? agent.at);
  if (channel !== undefined) out.channel = channel;
  if (revision !== undefined) out.revision = revision;
  if (state !== undefined) out.state = state;
  if (lastSeen !== undefined) out.lastSeen = lastSeen;
  return out;
}

import { type Release, targetFor } from '../release.js';

/** What one host (or the `*` default) gets from a release change: what a reviewer reads on a pull request. */
export interface HostImpact {
  readonly host: string; // a host name or "*" (every host without an entry of its own)
  readonly before?: string;
  readonly after?: string;
  readonly change: 'changed' | 'unchanged' | 'added' | 'removed';
}

export interface ChannelImpact {
  readonly channel: string;
  readonly fromRevision?: number;
  readonly toRevision: number;
  readonly hosts: readonly HostImpact[];
}

/** Pure: per named host and `*`, the store path before and after. */
export function computeImpact(before: Release | undefined, after: Release): ChannelImpact {
  const names = new Set<string>([...Object.keys(after.targets), ...(before ? Object.keys(before.targets) : [])]);
  const hosts = [...names].sort((a, b) => (a === '*' ? 1 : b === '*' ? -1 : a.localeCompare(b)));
  const rows = hosts.map((host): HostImpact => {
    const b = before ? (host === '*' ? before.targets['*']?.storePath : targetFor(before, host)) : undefined;
    const a = host === '*' ? after.targets['*']?.storePath : targetFor(after, host);
    const change = b === undefined ? 'added' : a === undefined ? 'removed' : a === b ? 'unchanged' : 'changed';
    const row: { host: string; before?: string; after?: string; change: HostImpact['change'] } = { host, change };
    if (b !== undefined) row.before = b;
    if (a !== undefined) row.after = a;
    return row;
  });
  const out: { channel: string; fromRevision?: number; toRevision: number; hosts: HostImpact[] } = {
    channel: after.channel,
    toRevision: after.revision,
    hosts: rows,
  };
  if (before) out.fromRevision = before.revision;
  return out;
}

/** Hosts that get the same transition: one closure diff serves them all. */
export interface TransitionGroup {
  /** Host names (sorted) and, last, `*` (every host without an entry of its own). */
  readonly hosts: readonly string[];
  /** null: the group had no target before (a new host, a new channel) / has none after (no longer targeted). */
  readonly fromPath: string | null;
  readonly toPath: string | null;
}

/** Pure: the changing targets of an impact, grouped by (before, after); hosts whose path stays are left out. */
export function transitionGroups(impact: ChannelImpact): { groups: TransitionGroup[]; unchanged: string[] } {
  const groups = new Map<string, { hosts: string[]; fromPath: string | null; toPath: string | null }>();
  const unchanged: string[] = [];
  for (const h of impact.hosts) {
    if (h.change === 'unchanged') {
      unchanged.push(h.host);
      continue;
    }
    const fromPath = h.before ?? null;
    const toPath = h.after ?? null;
    const key = `${fromPath}\n${toPath}`;
    const g = groups.get(key);
    if (g) g.hosts.push(h.host);
    else groups.set(key, { hosts: [h.host], fromPath, toPath });
  }
  return { groups: [...groups.values()], unchanged };
}

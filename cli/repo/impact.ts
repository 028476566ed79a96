import { type Release, targetFor } from '../../core/release.js';

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

import { HOST_NAME } from '../release.js';
import { InvalidHostNameError } from '../errors/index.js';
import { fleetDetailSchema, type FleetDetail } from '../wire/fleet-detail.js';
import type { FleetEntry, HostRevisions } from './types.js';

/** The per-host keys under `<namespace>/<host>/`. */
export const REVISION_KEYS = ['current', 'booted', 'nextboot'] as const;
export type RevisionKey = (typeof REVISION_KEYS)[number];
export const AGENT_KEY = 'agent';

/** Pure: `/nixos/versions/` and `/nixos/versions` are the same namespace. */
export function normalizeNamespace(ns: string): string {
  const t = ns.replace(/\/+$/, '');
  return t.length === 0 ? '' : t.startsWith('/') ? t : `/${t}`;
}

/** Pure: the key of one value of one host. */
export function hostKey(namespace: string, host: string, key: RevisionKey | typeof AGENT_KEY): string {
  return `${normalizeNamespace(namespace)}/${host}/${key}`;
}

/** Throws unless `host` is a valid host name (it becomes a path segment of the store). */
export function assertHostName(host: string): void {
  if (!HOST_NAME.test(host)) {
    throw new InvalidHostNameError({ role: 'this-host', host });
  }
}

/** Pure: the values `publish` writes, key (relative to the host) to string value. */
export function publishValues(revisions: HostRevisions, agent?: FleetDetail): Array<[RevisionKey | typeof AGENT_KEY, string]> {
  const out: Array<[RevisionKey | typeof AGENT_KEY, string]> = REVISION_KEYS.map((k) => [k, revisions[k]]);
  if (agent !== undefined) out.push([AGENT_KEY, JSON.stringify(agent)]);
  return out;
}

/** Pure: an `agent` value read through the fleet detail schema; undefined when it is not JSON or does not match. */
export function parseFleetDetail(text: string): FleetDetail | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = fleetDetailSchema.safeParse(v);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Pure: fold `(host, key, value)` triples read from a store into entries, one
 * per host, sorted by host name. Unknown keys are ignored; an agent value that
 * does not match the fleet detail schema (core/wire/fleet-detail.ts) is dropped.
 */
export function entriesFromValues(values: Iterable<readonly [host: string, key: string, value: string | undefined]>): FleetEntry[] {
  const hosts = new Map<string, { host: string; current?: string; booted?: string; nextboot?: string; agent?: FleetDetail }>();
  for (const [host, key, value] of values) {
    if (host.length === 0) continue;
    let e = hosts.get(host);
    if (!e) {
      e = { host };
      hosts.set(host, e);
    }
    if (value === undefined) continue;
    if (key === 'current' || key === 'booted' || key === 'nextboot') e[key] = value;
    else if (key === AGENT_KEY) {
      const a = parseFleetDetail(value);
      if (a) e.agent = a;
    }
  }
  return [...hosts.values()].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
}

/** Pure: split a full key `<namespace>/<host>/<key>` into host and key, or undefined when it is not one. */
export function splitHostKey(namespace: string, fullKey: string): [string, string] | undefined {
  return hostKeySplitter(namespace)(fullKey);
}

/** Pure: `splitHostKey` for one namespace, its prefix worked out once (a listing splits tens of thousands of keys). */
export function hostKeySplitter(namespace: string): (fullKey: string) => [string, string] | undefined {
  const prefix = normalizeNamespace(namespace) + '/';
  return (fullKey) => {
    if (!fullKey.startsWith(prefix)) return undefined;
    const slash = fullKey.indexOf('/', prefix.length);
    if (slash <= prefix.length || slash === fullKey.length - 1 || fullKey.indexOf('/', slash + 1) !== -1) return undefined;
    return [fullKey.slice(prefix.length, slash), fullKey.slice(slash + 1)];
  };
}

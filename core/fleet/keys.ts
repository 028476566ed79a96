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

type MutableEntry = { host: string; current?: string; booted?: string; nextboot?: string; agent?: FleetDetail };

/** Set one value read for a host; unknown keys are ignored, an agent value off the fleet detail schema is dropped. */
function setValue(e: MutableEntry, key: string, value: string): void {
  if (key === 'current' || key === 'booted' || key === 'nextboot') e[key] = value;
  else if (key === AGENT_KEY) {
    const a = parseFleetDetail(value);
    if (a) e.agent = a;
  }
}

function sortedEntries(hosts: Map<string, MutableEntry>): FleetEntry[] {
  return [...hosts.values()].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
}

/**
 * Pure: fold `(host, key, value)` triples read from a store into entries, one
 * per host, sorted by host name. Unknown keys are ignored; an agent value that
 * does not match the fleet detail schema (core/wire/fleet-detail.ts) is dropped.
 */
export function entriesFromValues(values: Iterable<readonly [host: string, key: string, value: string | undefined]>): FleetEntry[] {
  const hosts = new Map<string, MutableEntry>();
  for (const [host, key, value] of values) {
    if (host.length === 0) continue;
    let e = hosts.get(host);
    if (!e) {
      e = { host };
      hosts.set(host, e);
    }
    if (value !== undefined) setValue(e, key, value);
  }
  return sortedEntries(hosts);
}

/**
 * Pure: where the host ends in a full key `<prefix><host>/<key>` (the index of
 * the slash before `<key>`), or -1 when the key is not one: outside the
 * prefix, or not exactly two non-empty segments after it.
 */
function hostEnd(prefix: string, fullKey: string): number {
  if (!fullKey.startsWith(prefix)) return -1;
  const slash = fullKey.indexOf('/', prefix.length);
  if (slash <= prefix.length || slash === fullKey.length - 1 || fullKey.indexOf('/', slash + 1) !== -1) return -1;
  return slash;
}

/** Pure: split a full key `<namespace>/<host>/<key>` into host and key, or undefined when it is not one. */
export function splitHostKey(namespace: string, fullKey: string): [string, string] | undefined {
  const prefix = normalizeNamespace(namespace) + '/';
  const slash = hostEnd(prefix, fullKey);
  return slash < 0 ? undefined : [fullKey.slice(prefix.length, slash), fullKey.slice(slash + 1)];
}

/**
 * Pure: a listing of full keys and values under a namespace (an etcd range)
 * folded into entries, as `entriesFromValues` of the keys `splitHostKey`
 * accepts.
 */
export function entriesFromListing(namespace: string, kvs: Iterable<readonly [fullKey: string, value: string]>): FleetEntry[] {
  const fold = listingFold(namespace);
  for (const [fullKey, value] of kvs) fold.add(fullKey, value);
  return fold.entries();
}

/**
 * `entriesFromListing` one key at a time, for a reader that decodes a listing
 * as it goes (core/fleet/etcd-range.ts). A listing of 10,000 hosts holds
 * 30,000 keys or more, so keys are not split into new strings where it can be
 * helped: a key of the same host as the key before it (etcd lists in key
 * order) is matched in place, and the key's last segment is recognised where
 * it stands.
 */
export function listingFold(namespace: string): { add(fullKey: string, value: string): void; entries(): FleetEntry[] } {
  const prefix = normalizeNamespace(namespace) + '/';
  const hosts = new Map<string, MutableEntry>();
  let last: MutableEntry | undefined;
  return {
    add(fullKey, value) {
      const slash = hostEnd(prefix, fullKey);
      if (slash < 0) return;
      let e: MutableEntry | undefined =
        last && last.host.length === slash - prefix.length && fullKey.startsWith(last.host, prefix.length) ? last : undefined;
      if (!e) {
        const host = fullKey.slice(prefix.length, slash);
        e = hosts.get(host);
        if (!e) {
          e = { host };
          hosts.set(host, e);
        }
      }
      setValue(e, lastSegment(fullKey, slash), value);
      last = e;
    },
    entries: () => sortedEntries(hosts),
  };
}

const KNOWN_SEGMENTS = [...REVISION_KEYS, AGENT_KEY];

/** The segment after `slash`: one of the known keys without a new string when it is one, else the slice. */
function lastSegment(fullKey: string, slash: number): string {
  const length = fullKey.length - slash - 1;
  for (const k of KNOWN_SEGMENTS) if (k.length === length && fullKey.endsWith(k)) return k;
  return fullKey.slice(slash + 1);
}

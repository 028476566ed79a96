/**
 * The one host identity rule (DESIGN.md §10). A host has one name
 * everywhere — release targets, reports, fleet keys, `status` — and two
 * names relate in one of three ways:
 *
 * - `same`: equal ignoring case (`web01` and `WEB01`);
 * - `looks-alike`: one is a shorter form of the other, label by label
 *   (`web01` and `web01.dc1.example.com`, `web01.dc1` and
 *   `web01.dc1.example.com`): probably the same machine, spelled another way;
 * - `different`: anything else (`web01.dc1` and `web01.dc2`, `web01` and `web010`).
 */
/** A host name as releases, reports and fleet keys spell it: DNS labels, 1–253 characters. */
export const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export type HostRelation = 'same' | 'looks-alike' | 'different';

/** A name in the form names are compared in: trimmed, lower case, without a trailing root dot. */
export function canonicalHost(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

export function relateHosts(a: string, b: string): HostRelation {
  return relateTo(b)(a);
}

/** Pure: `relateHosts(name, host)` for many names against one host, the host's canonical form worked out once. */
export function relateTo(host: string): (name: string) => HostRelation {
  const y = canonicalHost(host);
  return (name) => {
    const x = canonicalHost(name);
    if (x === y) return 'same';
    if (x === '' || y === '') return 'different';
    const [short, long] = x.length < y.length ? [x, y] : [y, x];
    return long.startsWith(short + '.') ? 'looks-alike' : 'different';
  };
}

/** What a release's targets hold for one host: its own target, the `"*"` default, a look-alike only, or nothing. */
export type TargetMatch =
  | { readonly kind: 'own'; readonly key: string }
  | { readonly kind: 'default' }
  | { readonly kind: 'look-alike'; readonly keys: readonly string[] }
  | { readonly kind: 'none' };

/**
 * Pure: which target of a release is `host`'s. A key that is the *same*
 * name wins; failing that, a key that only *looks alike* means the release
 * meant this host under another spelling, so it must not silently take `"*"`
 * (`look-alike`: the caller refuses, AmbiguousHostError); otherwise `"*"`.
 */
export function matchTarget(keys: Iterable<string>, host: string): TargetMatch {
  const alike: string[] = [];
  let star = false;
  for (const k of keys) {
    if (k === '*') {
      star = true;
      continue;
    }
    const r = relateHosts(k, host);
    if (r === 'same') return { kind: 'own', key: k };
    if (r === 'looks-alike') alike.push(k);
  }
  if (alike.length > 0) return { kind: 'look-alike', keys: alike };
  return star ? { kind: 'default' } : { kind: 'none' };
}

/** Pure: pairs of keys that name the *same* host (they differ only by case): a release may not hold both. */
export function sameNamedKeys(keys: Iterable<string>): Array<readonly [string, string]> {
  const seen = new Map<string, string>();
  const out: Array<readonly [string, string]> = [];
  for (const k of keys) {
    if (k === '*') continue;
    const c = canonicalHost(k);
    const prev = seen.get(c);
    if (prev !== undefined) out.push([prev, k]);
    else seen.set(c, k);
  }
  return out;
}

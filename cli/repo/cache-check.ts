import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { readBodyCapped } from '../../core/bounded-body.js';
import { NARINFO_CAP } from '../../core/closure-diff/cache-source.js';
import { CacheMissError } from '../../core/errors/index.js';
import { storePathHash } from '../../core/store-path.js';

/** Fetches a narinfo's text from a substituter (http(s):// or file://), or undefined when absent. */
export type NarinfoFetcher = (substituter: string, hash: string) => Promise<string | undefined>;

export const fetchNarinfo: NarinfoFetcher = async (substituter, hash) => {
  const base = substituter.replace(/\/+$/, '');
  if (base.startsWith('file://')) {
    try {
      return await readFile(`${fileURLToPath(base)}/${hash}.narinfo`, 'utf8');
    } catch {
      return undefined;
    }
  }
  const res = await fetch(`${base}/${hash}.narinfo`, { signal: AbortSignal.timeout(10_000) });
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`${base} answered ${res.status}`);
  return await readBodyCapped(res, NARINFO_CAP, `the narinfo ${hash} from ${base}`); // a narinfo is small; never buffer more
};

/** Pure: the References of a narinfo, as store path base names. */
export function narinfoReferences(text: string): string[] {
  const line = text.split('\n').find((l) => l.startsWith('References:'));
  return line ? line.slice('References:'.length).trim().split(/\s+/).filter(Boolean) : [];
}

/**
 * Check that the whole closure of each store path can be fetched from at
 * least one of the substituters; throws CacheMissError listing what is missing.
 */
export async function checkClosureCached(storePaths: readonly string[], substituters: readonly string[], fetcher: NarinfoFetcher = fetchNarinfo): Promise<number> {
  if (substituters.length === 0) {
    throw new CacheMissError('The release names no substituter to check; pass --substituter or add substituters to the release.', { storePaths });
  }
  const seen = new Set<string>();
  const missing: string[] = [];
  const queue = storePaths.map((p) => p.slice('/nix/store/'.length));
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const hash = storePathHash(`/nix/store/${name}`);
    let text: string | undefined;
    for (const s of substituters) {
      text = await fetcher(s, hash).catch(() => undefined);
      if (text !== undefined) break;
    }
    if (text === undefined) {
      missing.push(`/nix/store/${name}`);
      continue;
    }
    for (const ref of narinfoReferences(text)) if (!seen.has(ref)) queue.push(ref);
  }
  if (missing.length > 0) {
    throw new CacheMissError(
      `${missing.length} store path(s) of the release are not in ${substituters.join(', ')}: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}; run \`nix copy --to <cache>\` for them before merging.`,
      { missing, substituters },
    );
  }
  return seen.size;
}

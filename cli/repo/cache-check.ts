import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { readBodyCapped } from '../../core/bounded-body.js';
import { NARINFO_CAP } from '../../core/closure-diff/cache-source.js';
import { CacheMissError, CacheUnreachableError } from '../../core/errors/index.js';
import { storePathHash } from '../../core/store-path.js';

/**
 * Fetches a store path's narinfo text from a substituter (http(s):// or
 * file://): undefined when the substituter answers that it does not hold it,
 * a CacheUnreachableError when it cannot be asked (down, refusing, an error
 * status, a missing cache directory).
 */
export type NarinfoFetcher = (substituter: string, storePath: string) => Promise<string | undefined>;

export const fetchNarinfo: NarinfoFetcher = async (substituter, storePath) => {
  const base = substituter.replace(/\/+$/, '');
  const hash = storePathHash(storePath);
  const unreachable = (cause: string): CacheUnreachableError => new CacheUnreachableError({ substituter, storePath, cause });
  if (base.startsWith('file://')) {
    const dir = fileURLToPath(base);
    try {
      return await readFile(`${dir}/${hash}.narinfo`, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw unreachable(code ?? (e as Error).message);
    }
    // No narinfo: absent, as long as the cache directory itself is there.
    const st = await stat(dir).catch((e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message);
    if (typeof st === 'string') throw unreachable(st);
    if (!st.isDirectory()) throw unreachable('not a directory');
    return undefined;
  }
  let res: Response;
  try {
    res = await fetch(`${base}/${hash}.narinfo`, { signal: AbortSignal.timeout(10_000) });
  } catch (e) {
    const cause = (e as Error).cause;
    throw unreachable(cause instanceof Error ? `${(e as Error).message}: ${cause.message}` : (e as Error).message);
  }
  if (res.status === 404) {
    await res.body?.cancel();
    return undefined;
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw unreachable(`HTTP ${res.status}`);
  }
  return await readBodyCapped(res, NARINFO_CAP, `the narinfo ${hash} from ${base}`); // a narinfo is small; never buffer more
};

/** Pure: the References of a narinfo, as store path base names. */
export function narinfoReferences(text: string): string[] {
  const line = text.split('\n').find((l) => l.startsWith('References:'));
  return line ? line.slice('References:'.length).trim().split(/\s+/).filter(Boolean) : [];
}

/**
 * Check that the whole closure of each store path can be fetched from at
 * least one of the substituters. Throws CacheMissError listing what every
 * substituter answered it does not hold, or CacheUnreachableError when a path
 * is in none of those that answered and one could not be asked (then nothing
 * is known to be missing). Returns how many paths were checked.
 */
export async function checkClosureCached(storePaths: readonly string[], substituters: readonly string[], fetcher: NarinfoFetcher = fetchNarinfo): Promise<number> {
  if (substituters.length === 0) {
    throw new CacheMissError({ reason: 'no-substituter', storePaths });
  }
  const seen = new Set<string>();
  const missing: string[] = [];
  /** Substituters that could not be asked: not asked again (each try may take its whole timeout). */
  const down = new Map<string, CacheUnreachableError>();
  const queue = storePaths.map((p) => p.slice('/nix/store/'.length));
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const storePath = `/nix/store/${name}`;
    let text: string | undefined;
    for (const s of substituters) {
      if (down.has(s)) continue;
      try {
        text = await fetcher(s, storePath);
      } catch (e) {
        if (!(e instanceof CacheUnreachableError)) throw e;
        down.set(s, e);
        continue;
      }
      if (text !== undefined) break;
    }
    if (text === undefined) {
      const unreachable = down.values().next().value;
      if (unreachable) throw unreachable;
      missing.push(storePath);
      continue;
    }
    for (const ref of narinfoReferences(text)) if (!seen.has(ref)) queue.push(ref);
  }
  if (missing.length > 0) throw new CacheMissError({ reason: 'missing', missing, substituters });
  return seen.size;
}

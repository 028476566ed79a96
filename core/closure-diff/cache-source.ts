import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { readBodyCappedBytes } from '../bounded-body.js';
import { CacheReadError, NarinfoNotFoundError, OgygiaError, UntrustedNarinfoError } from '../errors/index.js';
import type { PublicKey } from '../keys.js';
import { createLimiter } from '../limit.js';
import { listNarRoot } from '../nar-listing.js';
import { type NarInfo, matchesHash, parseNarInfo, sha256Nix32, verifiedSigners } from '../narinfo.js';
import { storePathHash } from '../store-path.js';
import { decompressNar } from './decompress.js';
import { BOOT_LINKS, type BootLink, type BootLinks, type ClosurePath } from './diff.js';
import type { ClosureSource } from './source.js';

/** A narinfo is at most this big (DESIGN.md §15); real ones are under 2 KiB. */
export const NARINFO_CAP = 64 * 1024;
/** A system's top-level NAR read for its boot links is at most this big unpacked (a NixOS toplevel is some 100 KiB). */
export const TOP_NAR_CAP = 16 * 1024 * 1024;

export interface CacheSourceOptions {
  /** Binary caches, asked in this order: `file://DIR`, `http://…`, `https://…` (irisd included). */
  readonly caches: readonly string[];
  /** Cache keys (`NAME:BASE64`, Nix's format); a narinfo counts only with a signature by one of them. */
  readonly trustedKeys: readonly PublicKey[];
  /** Requests in flight at once (default 32). */
  readonly concurrency?: number;
  /** Per request (default 15 s). */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

export interface CacheSource extends ClosureSource {
  /** Narinfos read so far (each store path once per run, whichever closure it is in). */
  readonly narinfosRead: () => number;
}

type Fetched = { readonly kind: 'absent' } | { readonly kind: 'text'; readonly text: string };

const trimSlash = (u: string): string => u.replace(/\/+$/, '');

/**
 * Closures read from binary caches alone: each narinfo once per run (shared
 * paths of two closures are read once), many at a time (bounded), HTTP
 * keep-alive (Node's fetch pools connections per origin). A narinfo counts
 * only when it is for the path asked and a trusted key signed it: its
 * References and NarSize are what the signature covers, so a cache cannot
 * hide a change or shrink a closure. The top-level NAR of a system is read,
 * checked against its signed NarHash, for the boot links.
 */
export function cacheSource(opts: CacheSourceOptions): CacheSource {
  const doFetch = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const limit = createLimiter(opts.concurrency ?? 32);
  const caches = opts.caches.map(trimSlash);
  const narinfos = new Map<string, Promise<{ info: NarInfo; cache: string }>>();
  let read = 0;

  const readFromCache = async (cache: string, rel: string, cap: number, what: string): Promise<{ kind: 'absent' } | { kind: 'bytes'; bytes: Uint8Array }> => {
    if (cache.startsWith('file://')) {
      const file = `${fileURLToPath(cache)}/${rel}`;
      const st = await stat(file).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') return undefined;
        throw e;
      });
      if (!st) return { kind: 'absent' };
      if (st.size > cap) throw new Error(`${what} is ${st.size} bytes, over the ${cap}-byte cap`);
      return { kind: 'bytes', bytes: new Uint8Array(await readFile(file)) };
    }
    const res = await doFetch(`${cache}/${rel}`, { signal: AbortSignal.timeout(timeoutMs) });
    if (res.status === 404 || res.status === 403) {
      await res.body?.cancel().catch(() => {});
      return { kind: 'absent' };
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw new Error(`answered HTTP ${res.status}`);
    }
    return { kind: 'bytes', bytes: await readBodyCappedBytes(res, cap, what) };
  };

  const fetchNarinfo = async (cache: string, hash: string): Promise<Fetched> => {
    const r = await readFromCache(cache, `${hash}.narinfo`, NARINFO_CAP, `the narinfo ${hash}`);
    return r.kind === 'absent' ? r : { kind: 'text', text: Buffer.from(r.bytes).toString('utf8') };
  };

  const lookup = (path: string): Promise<{ info: NarInfo; cache: string }> => {
    const known = narinfos.get(path);
    if (known) return known;
    const p = limit(async () => {
      const hash = storePathHash(path);
      let untrusted: string | undefined;
      for (const cache of caches) {
        let got: Fetched;
        try {
          got = await fetchNarinfo(cache, hash);
        } catch (e) {
          throw new CacheReadError({ reason: 'unreadable', cache, storePath: path, cause: (e as Error).message });
        }
        if (got.kind === 'absent') continue;
        read++;
        const parsed = parseNarInfo(got.text);
        if (!parsed.ok) {
          throw new CacheReadError({ reason: 'not-narinfo', cache, storePath: path, cause: parsed.error });
        }
        if (!matchesHash(parsed.value, hash) || parsed.value.storePath !== path || verifiedSigners(parsed.value, opts.trustedKeys).length === 0) {
          untrusted = cache;
          continue; // another cache may hold a narinfo that a trusted key signed
        }
        return { info: parsed.value, cache };
      }
      if (untrusted) {
        throw new UntrustedNarinfoError({ storePath: path, cache: untrusted });
      }
      throw new NarinfoNotFoundError({ storePath: path, caches });
    });
    narinfos.set(path, p);
    return p;
  };

  return {
    narinfosRead: () => read,
    async closure(root) {
      const seen = new Map<string, Promise<void>>();
      const out: ClosurePath[] = [];
      const visit = (path: string): Promise<void> => {
        let v = seen.get(path);
        if (!v) {
          v = lookup(path).then(async ({ info }) => {
            out.push({ path, narSize: info.narSize });
            await Promise.all(info.references.filter((r) => r !== path).map(visit));
          });
          seen.set(path, v);
        }
        return v;
      };
      await visit(root);
      return out;
    },
    async bootLinks(root): Promise<BootLinks> {
      const { info, cache } = await lookup(root);
      if (info.narSize > TOP_NAR_CAP) return { known: false, why: `the top-level NAR of ${root} is ${info.narSize} bytes, over the ${TOP_NAR_CAP}-byte cap` };
      // The URL is not covered by the signature: it must stay inside the cache (no `..`, no other host).
      const rel = info.url;
      if (!/^[A-Za-z0-9+._=-]+(\/[A-Za-z0-9+._=-]+)*$/.test(rel) || rel.split('/').some((seg) => seg === '..' || seg === '.')) {
        throw new CacheReadError({ reason: 'nar-url-outside', cache, storePath: root, url: rel });
      }
      let got: Awaited<ReturnType<typeof readFromCache>>;
      try {
        got = await limit(() => readFromCache(cache, rel, TOP_NAR_CAP, `the NAR of ${root}`));
      } catch (e) {
        const why = e instanceof OgygiaError ? e.message : (e as Error).message;
        throw new CacheReadError({ reason: 'nar-unreadable', cache, storePath: root, cause: why });
      }
      if (got.kind === 'absent') {
        throw new CacheReadError({ reason: 'nar-missing', cache, storePath: root, url: info.url });
      }
      const nar = await decompressNar(got.bytes, info.compression, Math.min(TOP_NAR_CAP, info.narSize));
      if (!nar.ok) return { known: false, why: nar.why };
      if (sha256Nix32(nar.bytes) !== info.narHash) {
        throw new CacheReadError({ reason: 'nar-hash-mismatch', cache, storePath: root });
      }
      const listing = listNarRoot(nar.bytes);
      if (!listing.ok) return { known: false, why: listing.error };
      const links: Partial<Record<BootLink, string>> = {};
      for (const name of BOOT_LINKS) {
        const e = listing.entries.get(name);
        if (e?.type === 'symlink') links[name] = e.target;
      }
      return { known: true, links };
    },
  };
}

import type { FastifyInstance } from 'fastify';
import { splitListen } from '../core/config-schema.js';
import { parseSecretKey, type SecretKey } from '../core/keys.js';
import { createLogger, type Logger } from '../core/log.js';
import { readNamedFile } from '../core/config-file.js';
import { buildFilter } from './bloom/filter.js';
import { encodeFilter, type EncodedFilter } from './bloom/wire.js';
import type { IrisdConfig } from './config.js';
import { NarCache } from './nar-cache.js';
import { BadPeers } from './peers/bad-peers.js';
import { initialPeerState, refreshPeerFilter, type PeerFilterState } from './peers/filters.js';
import { Resolver } from './resolver.js';
import { buildServer } from './server.js';
import { loadNarZstd, type NarZstd } from './zstd.js';
import { applyChange } from './store/index-change.js';
import { emptyStoreIndex, type StoreIndex } from './store/index.js';
import { localStore } from './store/nix-store.js';
import { scanStore } from './store/scanner.js';
import { storePathHash } from '../core/store-path.js';
import { mustRescan, readStoreStamp, stampedFiles, type StoreStamp } from './store/store-stamp.js';

export interface RunningIrisd {
  /** `http://host:port` for every listen address, in config order. */
  readonly urls: readonly string[];
  stop(): Promise<void>;
}

async function readSigningKey(file: string | undefined): Promise<SecretKey | undefined> {
  if (!file) return undefined;
  return parseSecretKey(await readNamedFile(file, 'signing-key', 'signing.key_file'));
}

/** The only wiring: config in, a serving irisd out. */
export async function runIrisd(cfg: IrisdConfig, log: Logger = createLogger('irisd')): Promise<RunningIrisd> {
  const store = localStore(cfg.store.root);
  const signingKey = await readSigningKey(cfg.signing.key_file);
  const cache = await NarCache.open({ dir: cfg.cache.dir, maxSizeBytes: cfg.cache.max_size_bytes, ttlMs: cfg.cache.ttl_seconds * 1000 });
  const bad = new BadPeers();
  let zstd: Promise<NarZstd> | undefined;
  const loadZstd = (): Promise<NarZstd> => (zstd ??= loadNarZstd(cfg.cache.compression_level));
  // Told to compress: a zstd that does not load stops irisd here, not at a client's first NAR.
  if (cfg.cache.compression === 'zstd') await loadZstd();

  let index: StoreIndex = emptyStoreIndex;
  // Until the first scan: the filter of an empty store. Later ones come built and encoded from the scan worker.
  let filter: EncodedFilter = encodeFilter({
    filter: buildFilter([], cfg.bloom.false_positive_rate, cfg.bloom.hashing),
    count: 0,
    falsePositiveRate: cfg.bloom.false_positive_rate,
    hashing: cfg.bloom.hashing,
  });

  // A refresh asks Nix again only when its database changed (store-stamp.ts); the scan itself runs on a worker
  // thread (scanner.ts) that ends with each scan, so even a large store's refresh never holds up the answers served meanwhile.
  const stamped = stampedFiles(store);
  const indexStats = { scans: 0, unchanged: 0, lastScanMs: 0 };
  /** The digest of every path in `index`, by hash: what the next scan is compared with. */
  const digests = new Map<string, string>();
  let lastStamp: StoreStamp | undefined;
  const reindexOnce = async (force: boolean): Promise<StoreIndex> => {
    const stamp = await readStoreStamp(stamped);
    if (!force && !mustRescan(lastStamp, stamp)) {
      indexStats.unchanged++;
      return index;
    }
    const first = digests.size === 0;
    const r = await scanStore({ root: cfg.store.root, falsePositiveRate: cfg.bloom.false_positive_rate, hashing: cfg.bloom.hashing, before: digests });
    indexStats.scans++;
    indexStats.lastScanMs = r.scanMs;
    lastStamp = stamp;
    if (r.change.upserted.length > 0 || r.change.removed.length > 0) {
      // A new map: the resolver notices the new index and forgets the narinfos it made from the old one.
      // (`digests` went to the worker as a copy, so it is updated in place.)
      index = { byHash: applyChange(index.byHash, r.change) };
      for (const h of r.change.removed) digests.delete(h);
      r.change.upserted.forEach((info, i) => digests.set(storePathHash(info.path), r.upsertedDigests[i]!));
    }
    if (r.filter.etag !== filter.etag) {
      log.info(`indexed ${r.count} paths (nix path-info ${Math.round(r.nixMs)} ms, scan ${Math.round(r.scanMs)} ms${first ? '' : `; ${r.change.upserted.length} new or changed, ${r.change.removed.length} gone`})`);
    }
    filter = r.filter;
    return index;
  };
  /** Coalesce: one scan at a time; a caller during a scan gets the scan after it (forced if any caller forced), and its outcome. */
  let running: Promise<StoreIndex> | undefined;
  let again: { force: boolean } | undefined;
  const reindex = (opts: { force?: boolean } = {}): Promise<StoreIndex> => {
    const force = opts.force ?? false;
    if (running) {
      again = { force: force || (again?.force ?? false) };
      return running;
    }
    running = (async () => {
      try {
        let f = force;
        for (;;) {
          let outcome: { ok: true; index: StoreIndex } | { ok: false; error: unknown };
          try {
            outcome = { ok: true, index: await reindexOnce(f) };
          } catch (error) {
            outcome = { ok: false, error };
          }
          if (!again) {
            if (!outcome.ok) throw outcome.error;
            return outcome.index;
          }
          f = again.force;
          again = undefined;
        }
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  let peers: PeerFilterState[] = cfg.peers.urls.map(initialPeerState);
  const resolver = new Resolver({
    index: () => index,
    peers: () => peers,
    cache,
    bad,
    trusted: cfg.trust.trusted_keys,
    ...(signingKey ? { signingKey } : {}),
    timeoutMs: cfg.peers.timeout_ms,
    negativeTtlMs: cfg.peers.negative_ttl_seconds * 1000,
    badPeerMs: cfg.peers.bad_peer_seconds * 1000,
    log,
    now: Date.now,
  });
  const refreshPeers = async (): Promise<void> => {
    const next = await Promise.all(peers.map((p) => refreshPeerFilter(p, cfg.peers.timeout_ms, Date.now())));
    const changed = next.some((p, i) => p.etag !== peers[i]!.etag || p.reachable !== peers[i]!.reachable);
    for (const [i, p] of next.entries()) {
      const before = peers[i]!;
      if (before.reachable && !p.reachable) log.warn(`peer ${p.url} unreachable: ${p.lastError ?? 'unknown error'}`);
      if (!before.reachable && p.reachable) log.info(`peer ${p.url} reachable, filter of ${p.filter?.count ?? 0} paths`);
    }
    peers = next;
    if (changed) resolver.clearNegative();
  };

  await reindex();
  await refreshPeers();

  const timers: NodeJS.Timeout[] = [];
  const every = (seconds: number, what: string, fn: () => Promise<unknown>): void => {
    let busy = false;
    timers.push(
      setInterval(() => {
        if (busy) return;
        busy = true;
        fn()
          .catch((e: Error) => log.error(`${what} failed: ${e.message}`))
          .finally(() => (busy = false));
      }, seconds * 1000),
    );
  };
  every(cfg.store.refresh_seconds, 'store index refresh', () => reindex());
  every(cfg.peers.refresh_seconds, 'peer filter refresh', refreshPeers);
  every(Math.min(cfg.cache.ttl_seconds, 60), 'NAR cache expiry', () => cache.expireAndEvict());

  const apps: FastifyInstance[] = [];
  const urls: string[] = [];
  try {
    for (const addr of cfg.server.listen) {
      const app = buildServer({
        store,
        resolver,
        cache,
        priority: cfg.server.priority,
        peerNarTimeoutMs: Math.max(cfg.peers.timeout_ms, 5000),
        http: cfg.server,
        compression: cfg.cache.compression,
        zstd: loadZstd,
        index: () => index,
        filter: () => filter,
        reindex,
        indexStats: () => ({ ...indexStats }),
        peerStatus: () =>
          peers.map((p) => ({ url: p.url, reachable: p.reachable, paths: p.filter?.count ?? 0, etag: p.etag ?? null, lastError: p.lastError ?? null, bad: bad.isBad(p.url, Date.now()) })),
        log,
      });
      const { host, port } = splitListen(addr);
      await app.listen({ host, port });
      apps.push(app);
      urls.push(`http://${host.includes(':') ? `[${host}]` : host}:${port}`);
    }
  } catch (e) {
    for (const t of timers) clearInterval(t);
    await Promise.all(apps.map((a) => a.close()));
    throw e;
  }
  log.info(`serving ${index.byHash.size} paths of ${cfg.store.root === '/' ? 'the system store' : `local?root=${cfg.store.root}`} on ${urls.join(', ')} with ${peers.length} peer(s)${cfg.cache.compression === 'none' ? '' : `, NARs to Nix clients compressed with ${cfg.cache.compression} (level ${cfg.cache.compression_level})`}`);

  return {
    urls,
    async stop() {
      for (const t of timers) clearInterval(t);
      await Promise.all(apps.map((a) => a.close()));
    },
  };
}

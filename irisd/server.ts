import { NarHashMismatchError } from '../core/errors/index.js';
import { fastifyLimitOptions, limitConnections, type HttpLimits } from '../core/http-limits.js';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Logger } from '../core/log.js';
import { STORE_HASH, isStorePath, storePathHash } from '../core/store-path.js';
import { MEDIA_TYPE, type EncodedFilter } from './bloom/wire.js';
import { SMALL_NAR_BYTES, smallNar, streamNar } from './nar.js';
import { pipeChunks } from './nar-pipe.js';
import { CLOSURE_MEDIA_TYPE, closureNarInfos, joinNarInfos } from './closure.js';
import type { NarCache } from './nar-cache.js';
import { verifyNarStream } from './nar-verify.js';
import { formatNarInfo, type NarInfo } from '../core/narinfo.js';
import { NAR_FILE } from './nar-url.js';
import { clientNarInfo, type NarCompression } from './nar-compression.js';
import type { NarZstd } from './zstd.js';
import { HOP_HEADER } from './peers/lookup.js';
import type { Resolution, Resolver } from './resolver.js';
import type { LocalStore } from './store/nix-store.js';
import type { StoreIndex } from './store/index.js';
import { peerGet } from './peers/http.js';
import { installFastPath, type FastAnswer, type ReadyAnswer } from './fast-path.js';

/** Everything the HTTP layer needs; main.ts wires the real ones, tests may pass their own. */
export interface ServerDeps {
  readonly store: LocalStore;
  readonly resolver: Resolver;
  readonly cache: NarCache;
  readonly priority: number;
  readonly peerNarTimeoutMs: number;
  /** Timeouts and the connection cap from [server]. */
  readonly http: HttpLimits;
  /** How narinfos tell Nix clients to fetch NARs ([cache] compression); other irisds always get them uncompressed. */
  readonly compression: NarCompression;
  /** zstd, loaded on first use (irisd/zstd.ts): `.nar.zst` URLs are served whatever `compression` says now. */
  zstd(): Promise<NarZstd>;
  index(): StoreIndex;
  filter(): EncodedFilter;
  /**
   * Scan the store when its database changed since the last scan, or in any case with `force` (`ogygia iris
   * push`); resolves once the new filter is served.
   */
  reindex(opts?: { force?: boolean }): Promise<StoreIndex>;
  /** Store scans run, refreshes that found the database unchanged, and the last scan's duration. */
  indexStats(): { scans: number; unchanged: number; lastScanMs: number };
  peerStatus(): unknown;
  readonly log: Logger;
}

const NARINFO_FILE = /^([^/]*)\.narinfo$/;
const NAR_TYPE = 'application/x-nix-nar';
const ZSTD_TYPE = 'application/zstd';
const TEXT = ['content-type', 'text/plain'] as const;

function isLoopback(ip: string): boolean {
  return ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1';
}

function badRequest(reply: FastifyReply, what: string): FastifyReply {
  return reply.code(400).type('text/plain').send(`${what}\n`);
}

/** Build the irisd HTTP app without listening (tests use inject or a real port). */
export function buildServer(d: ServerDeps): FastifyInstance {
  const app = Fastify({
    logger: false,
    ...fastifyLimitOptions(d.http),
    routerOptions: { maxParamLength: 300 },
    bodyLimit: 4 * 1024 * 1024,
    return503OnClosing: false,
  });
  limitConnections(app.server, d.http);
  const log = d.log;

  const cacheInfo: ReadyAnswer = {
    status: 200,
    headers: [['content-type', 'text/x-nix-cache-info']],
    body: `StoreDir: /nix/store\nWantMassQuery: 1\nPriority: ${d.priority}\n`,
  };
  // What Nix asks before it downloads (the cache info, narinfos) is answered by irisd/fast-path.ts straight on
  // the connection, with the same answers as the routes below; everything else goes through fastify.
  const fast = installFastPath(app.server, (r) => (r.hash === undefined ? cacheInfo : answerNarInfo(r.hash, r.hop)));
  app.addHook('preClose', (done) => {
    fast.close();
    done();
  });

  app.get('/nix-cache-info', (_req, reply) => send(reply, cacheInfo));

  app.get('/healthz', async (_req, reply) =>
    reply.send({ ok: true, paths: d.index().byHash.size, index: d.indexStats(), fastPath: { ...fast.stats } }),
  );

  app.get('/iris/v1/filter', async (req, reply) => {
    const f = d.filter();
    reply.header('etag', f.etag).header('cache-control', 'no-cache');
    if (req.headers['if-none-match'] === f.etag) return reply.code(304).send();
    return reply.type(MEDIA_TYPE).send(f.body);
  });

  app.get('/iris/v1/peers', async (_req, reply) => reply.send(d.peerStatus()));

  app.get<{ Params: { hash: string } }>('/iris/v1/providers/:hash', async (req, reply) => {
    const hash = req.params.hash;
    if (!STORE_HASH.test(hash)) return badRequest(reply, 'not a store path hash (32 nix32 characters)');
    const local = d.index().byHash.get(hash);
    const answers = await d.resolver.providers(hash);
    return reply.send({
      hash,
      local: local ? { storePath: local.path } : null,
      providers: answers
        .filter((a) => a.kind === 'offer' || a.kind === 'untrusted')
        .map((a) => ({
          url: a.peer,
          storePath: a.kind === 'offer' || a.kind === 'untrusted' ? a.narinfo.storePath : undefined,
          trusted: a.kind === 'offer',
          signers: a.kind === 'offer' ? a.signers : [],
        })),
      asked: answers.map((a) => ({ url: a.peer, answer: a.kind, ...('reason' in a ? { reason: a.reason } : {}) })),
    });
  });

  // Between peers: the narinfos of a path's closure in one answer (irisd/closure.ts), from the local store and
  // NAR cache only, like any hop.
  app.get<{ Params: { hash: string } }>('/iris/v1/closure/:hash', (req, reply) => {
    const hash = req.params.hash;
    if (!STORE_HASH.test(hash)) return badRequest(reply, 'not a store path hash (32 nix32 characters)');
    const held = (h: string): NarInfo | undefined => {
      const r = d.resolver.answerNow(h, { hop: true });
      return r && (r.source === 'local' || r.source === 'cache') ? r.narinfo : undefined;
    };
    const infos = closureNarInfos(hash, held);
    if (infos.length === 0) return reply.code(404).type('text/plain').send('not found\n');
    return reply.header('x-iris-paths', infos.length).type(CLOSURE_MEDIA_TYPE).send(joinNarInfos(infos.map(narInfoText)));
  });

  // `ogygia iris push`: index the store now. Only from this host: irisd does not authenticate peers.
  app.post<{ Body: { paths?: unknown } }>('/iris/v1/push', async (req, reply) => {
    if (!isLoopback(req.ip)) return reply.code(403).send({ error: 'push is only accepted from this host (loopback)' });
    const raw = (req.body && typeof req.body === 'object' ? req.body.paths : undefined) ?? [];
    if (!Array.isArray(raw) || !raw.every((p): p is string => typeof p === 'string' && isStorePath(p))) {
      return badRequest(reply, 'paths must be a list of store paths');
    }
    const idx = await d.reindex({ force: true });
    const missing = raw.filter((p) => !idx.byHash.has(storePathHash(p)));
    return reply.send({ indexed: idx.byHash.size, missing, etag: d.filter().etag });
  });

  app.get<{ Params: { file: string } }>('/nar/:file', async (req, reply) => {
    const m = NAR_FILE.exec(req.params.file);
    if (!m) return badRequest(reply, 'not a NAR file name (<hash>-<narhash>.nar or .nar.zst)');
    const hash = m[1]!;
    const narHash = 'sha256:' + m[2]!;
    const key = `${hash}-${m[2]!}`;
    let zstd: NarZstd | undefined;
    if (m[3] === '.zst') {
      try {
        zstd = await d.zstd();
      } catch (e) {
        log.error(`cannot serve ${req.params.file}: ${(e as Error).message}`);
        return reply.code(503).type('text/plain').send('zstd is unavailable on this irisd\n');
      }
    }
    const local = d.index().byHash.get(hash);
    if (local && local.narHash === narHash) {
      const real = d.store.realPath(local.path);
      if (local.narSize <= SMALL_NAR_BYTES) {
        // A small path in one go; one that does not add up to its NarSize (the store changed) is streamed as usual.
        const nar = smallNar(real);
        if (nar && nar.length === local.narSize) {
          const body = zstd ? zstd.compress(nar) : nar;
          return reply.header('content-length', body.length).type(zstd ? ZSTD_TYPE : NAR_TYPE).send(body);
        }
      }
      return sendNar(reply, local.narSize, streamNar(real, { reuseBuffers: true }), `local ${local.path}`, zstd);
    }
    if (d.cache.has(key)) {
      const n = d.cache.lookup(hash);
      if (n) return sendNar(reply, n.narSize, d.cache.read(key), `cached ${n.storePath}`, zstd);
    }
    if (req.headers[HOP_HEADER]) return reply.code(404).send();
    const offer = await d.resolver.offerFor(hash, narHash);
    if (!offer) return reply.code(404).type('text/plain').send('not found\n');
    return proxyNar(reply, offer.peer, offer.narinfo, key, zstd);
  });

  async function proxyNar(reply: FastifyReply, peer: string, narinfo: NarInfo, key: string, zstd: NarZstd | undefined): Promise<FastifyReply> {
    const controller = new AbortController();
    let res: IncomingMessage;
    try {
      res = await peerGet(`${peer}/${narinfo.url}`, { headers: { [HOP_HEADER]: '1' }, timeoutMs: d.peerNarTimeoutMs, signal: controller.signal });
    } catch (e) {
      log.warn(`peer ${peer} did not serve the NAR of ${narinfo.storePath}: ${(e as Error).message}`);
      return reply.code(404).send();
    }
    if (res.statusCode !== 200) {
      res.resume();
      return reply.code(404).send();
    }
    // Serving the NAR matters more than caching it: a cache that cannot take it is logged and skipped.
    const writer = await d.cache.writer(narinfo, key).catch((e: unknown) => {
      log.warn(`cannot cache the NAR of ${narinfo.storePath}: ${(e as Error).message}`);
      return undefined;
    });
    const body = res;
    async function* checked(): AsyncGenerator<Uint8Array> {
      let complete = false;
      try {
        yield* verifyNarStream(body, narinfo, writer ? (c) => writer.write(c) : undefined);
        complete = true;
        if (writer) await writer.commit().catch((e: Error) => log.warn(`could not cache ${narinfo.storePath}: ${e.message}`));
      } catch (e) {
        controller.abort();
        if (e instanceof NarHashMismatchError) d.resolver.markBad(peer, `served a corrupt NAR for ${narinfo.storePath}`);
        throw e;
      } finally {
        // A failure, or a client that went away mid-NAR (the generator is returned): nothing half-written is kept.
        if (!complete && writer) await writer.abort();
      }
    }
    return sendNar(reply, narinfo.narSize, checked(), `peer ${peer} ${narinfo.storePath}`, zstd);
  }

  /**
   * Chunks straight onto the socket (irisd/nar-pipe.ts), bypassing fastify's stream handling; a failure cuts the
   * connection. Compressed with zstd, the length is not known up front: the response is chunked.
   */
  function sendNar(reply: FastifyReply, size: number, chunks: AsyncIterable<Uint8Array>, what: string, zstd: NarZstd | undefined): FastifyReply {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, zstd ? { 'content-type': ZSTD_TYPE } : { 'content-type': NAR_TYPE, 'content-length': size });
    pipeChunks(zstd ? zstd.stream(chunks) : chunks, res).catch((e: unknown) => {
      log.warn(`NAR stream of ${what} failed: ${(e as Error).message}`);
      res.destroy();
    });
    return reply;
  }

  // Everything else at the top level: `<hash>.narinfo`, or a 400/404. Not async: an answer that needs no
  // peer (a local hit, a bloom negative) is sent without a promise in between.
  app.get<{ Params: { file: string } }>('/:file', (req, reply) => {
    const m = NARINFO_FILE.exec(req.params.file);
    if (!m) return reply.code(/\.\.|\\/.test(req.params.file) ? 400 : 404).type('text/plain').send('not found\n');
    const hash = m[1]!;
    if (!STORE_HASH.test(hash)) return badRequest(reply, 'not a store path hash (32 nix32 characters)');
    const a = answerNarInfo(hash, req.headers[HOP_HEADER] !== undefined);
    return a instanceof Promise ? a.then((x) => send(reply, x)) : send(reply, a);
  });

  function send(reply: FastifyReply, a: ReadyAnswer): FastifyReply {
    reply.code(a.status);
    for (const [k, v] of a.headers) reply.header(k, v);
    return reply.send(a.body);
  }

  /**
   * A narinfo request's answer, for the route and the fast path alike: now when no peer needs asking (local
   * store, NAR cache, a remembered or bloom-filter miss), else once peers have answered. Never a 5xx: an
   * unexpected failure is a miss, and logged.
   */
  function answerNarInfo(hash: string, hop: boolean): FastAnswer {
    let now: Resolution | undefined;
    try {
      now = d.resolver.answerNow(hash, { hop });
    } catch (e) {
      return narinfoFailed(hash, e);
    }
    if (now) return narInfoAnswer(now, hop);
    return d.resolver.resolve(hash, { hop }).then(
      (r) => narInfoAnswer(r, hop),
      (e: unknown) => narinfoFailed(hash, e),
    );
  }

  /** Formatted narinfos by object: local and cached answers are the same object every time. */
  const formatted = new WeakMap<NarInfo, string>();
  const formattedForClients = new WeakMap<NarInfo, string>();
  /** Answers by narinfo (for hops, for clients) and by why not: one object each, so the fast path renders each once. */
  const answers = { hop: new WeakMap<NarInfo, ReadyAnswer>(), client: new WeakMap<NarInfo, ReadyAnswer>(), none: new Map<string, ReadyAnswer>() };
  /** A hop (another irisd) gets the narinfo as it is, uncompressed; a Nix client gets it with [cache] compression. */
  function narInfoAnswer(r: Resolution, hop: boolean): ReadyAnswer {
    if (r.source === 'none') {
      let a = answers.none.get(r.why);
      if (!a) answers.none.set(r.why, (a = { status: 404, headers: [['x-iris-miss', r.why], TEXT], body: 'not found\n' }));
      return a;
    }
    const by = hop ? answers.hop : answers.client;
    let a = by.get(r.narinfo);
    // The source is part of the answer. A narinfo object comes from one source (the resolver makes one per
    // local path, per cached entry, per peer offer); checking it keeps that from being a silent assumption.
    if (!a || a.headers[0]![1] !== r.source) {
      a = {
        status: 200,
        headers: [['x-iris-source', r.source], ['content-type', 'text/x-nix-narinfo']],
        body: hop ? narInfoText(r.narinfo) : clientNarInfoText(r.narinfo),
      };
      by.set(r.narinfo, a);
    }
    return a;
  }

  function narInfoText(n: NarInfo): string {
    let text = formatted.get(n);
    if (text === undefined) {
      text = formatNarInfo(n);
      formatted.set(n, text);
    }
    return text;
  }

  function clientNarInfoText(n: NarInfo): string {
    if (d.compression === 'none') return narInfoText(n);
    let text = formattedForClients.get(n);
    if (text === undefined) {
      text = formatNarInfo(clientNarInfo(n, d.compression));
      formattedForClients.set(n, text);
    }
    return text;
  }

  function narinfoFailed(hash: string, e: unknown): ReadyAnswer {
    log.error(`narinfo ${hash} failed: ${(e as Error).stack ?? String(e)}`);
    return { status: 404, headers: [TEXT], body: 'not found\n' };
  }

  app.setNotFoundHandler(async (req, reply) => {
    const url = req.raw.url ?? '';
    if (/\.\.|%2e|%2f|%5c|\\/i.test(url)) return badRequest(reply, 'path traversal is not allowed');
    return reply.code(404).type('text/plain').send('not found\n');
  });

  app.setErrorHandler(async (err: Error, req, reply) => {
    const status = (err as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) return reply.code(status).send({ error: err.message });
    log.error(`${req.method} ${req.url} failed: ${err.message}`);
    return reply.code(500).send({ error: 'internal error' });
  });

  return app;
}

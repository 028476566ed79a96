import type { Logger } from '../core/log.js';
import type { PublicKey, SecretKey } from '../core/keys.js';
import { mayContain } from './bloom/filter.js';
import type { NarCache } from './nar-cache.js';
import { parseNarInfo, signNarInfo, verifiedSigners, type NarInfo } from '../core/narinfo.js';
import { MAX_CLOSURE_BYTES, splitNarInfos } from './closure.js';
import { peerGet, readPeerText } from './peers/http.js';
import { narUrl } from './nar-url.js';
import type { BadPeers } from './peers/bad-peers.js';
import type { PeerFilterState } from './peers/filters.js';
import { HOP_HEADER, allAnswers, firstOffer, type PeerAnswer } from './peers/lookup.js';
import type { StoreIndex } from './store/index.js';
import type { PathInfo } from '../core/path-info.js';
import { storePathHash } from '../core/store-path.js';

/** Where a narinfo answer came from. */
export type Resolution =
  | { readonly source: 'local'; readonly narinfo: NarInfo; readonly info: PathInfo }
  | { readonly source: 'cache'; readonly narinfo: NarInfo }
  | { readonly source: 'peer'; readonly narinfo: NarInfo; readonly peer: string; readonly peerNarinfo: NarInfo }
  | { readonly source: 'none'; readonly why: 'bloom-negative' | 'negative-cache' | 'no-peer' | 'hop' };

export interface ResolverDeps {
  index(): StoreIndex;
  peers(): readonly PeerFilterState[];
  readonly cache: NarCache;
  readonly bad: BadPeers;
  readonly trusted: readonly PublicKey[];
  readonly signingKey?: SecretKey;
  readonly timeoutMs: number;
  readonly negativeTtlMs: number;
  readonly badPeerMs: number;
  readonly log: Logger;
  now(): number;
}

/** The narinfo irisd serves for a local path: its store signatures, plus irisd's own when it has a key. */
export function localNarInfo(info: PathInfo, key?: SecretKey): NarInfo {
  const base: NarInfo = {
    storePath: info.path,
    url: narUrl({ storePath: info.path, narHash: info.narHash }),
    compression: 'none',
    narHash: info.narHash,
    narSize: info.narSize,
    references: info.references,
    sigs: info.sigs,
    ...(info.deriver ? { deriver: info.deriver } : {}),
    ...(info.ca ? { ca: info.ca } : {}),
  };
  if (!key || info.sigs.some((s) => s.startsWith(key.name + ':'))) return base;
  return { ...base, sigs: [...info.sigs, signNarInfo(base, key)] };
}

/** A peer's narinfo as irisd re-serves it: same signed fields, irisd's own NAR URL, uncompressed. */
export function proxiedNarInfo(n: NarInfo): NarInfo {
  const { fileHash: _h, fileSize: _s, ...rest } = n;
  return { ...rest, url: narUrl(n), compression: 'none' };
}

/**
 * Decides every narinfo answer: local store, then the NAR cache, then (for
 * clients, never for other peers) the peers whose bloom filter may hold the
 * hash, in parallel with a short timeout. Remembers offers (for the NAR
 * that follows) and bounded negative answers.
 */
/** How long a peer's offer (from a lookup or a prefetch) is served without asking the peer again. */
export const OFFER_TTL_MS = 60_000;

export class Resolver {
  private readonly localCache = new Map<string, NarInfo>();
  /** NAR-cache narinfos whose signature checked out, as served (a signature check per request costs more than the rest of the answer). */
  private readonly verifiedCache = new WeakMap<NarInfo, NarInfo>();
  private localIndex: StoreIndex | undefined;
  private readonly negative = new Map<string, number>();
  /** Peers' narinfos by hash; `checked` once its signature verified (a closure batch is checked path by path, when asked). */
  private readonly offers = new Map<string, { peer: string; narinfo: NarInfo; served: NarInfo; at: number; checked: boolean }>();

  constructor(private readonly d: ResolverDeps) {}

  private local(hash: string): Resolution | undefined {
    const idx = this.d.index();
    if (idx !== this.localIndex) {
      this.localIndex = idx;
      this.localCache.clear();
    }
    const info = idx.byHash.get(hash);
    if (!info) return undefined;
    let n = this.localCache.get(hash);
    if (!n) {
      n = localNarInfo(info, this.d.signingKey);
      this.localCache.set(hash, n);
    }
    return { source: 'local', narinfo: n, info };
  }

  private cached(hash: string): Resolution | undefined {
    const n = this.d.cache.lookup(hash);
    if (!n) return undefined;
    let served = this.verifiedCache.get(n);
    if (!served) {
      if (verifiedSigners(n, this.d.trusted).length === 0) return undefined;
      served = proxiedNarInfo(n);
      this.verifiedCache.set(n, served);
    }
    return { source: 'cache', narinfo: served };
  }

  /** A peer's offer for the hash still fresh (it was fetched by an earlier lookup or a prefetch), as a peer answer. */
  private offered(hash: string): Resolution | undefined {
    const o = this.offers.get(hash);
    if (!o) return undefined;
    const now = this.d.now();
    if (now - o.at > OFFER_TTL_MS || this.d.bad.isBad(o.peer, now)) {
      this.offers.delete(hash);
      return undefined;
    }
    if (!o.checked) {
      // Not signed by a trusted key: forgotten, and the path is looked up (and judged) like any other.
      if (verifiedSigners(o.narinfo, this.d.trusted).length === 0) {
        this.offers.delete(hash);
        return undefined;
      }
      o.checked = true;
    }
    return { source: 'peer', narinfo: o.served, peer: o.peer, peerNarinfo: o.narinfo };
  }

  /**
   * The answer when it needs no peer round: local store, NAR cache, a fresh
   * offer, a hop, a remembered miss, or no peer whose filter may hold the hash
   * (the bloom negative: the common miss, answered with no promise and no
   * in-flight bookkeeping). Undefined when peers must be asked.
   */
  answerNow(hash: string, opts: { hop: boolean }): Resolution | undefined {
    const fast = this.local(hash) ?? this.cached(hash);
    if (fast) return fast;
    if (opts.hop) return { source: 'none', why: 'hop' };
    const offer = this.offered(hash);
    if (offer) return offer;
    if (this.inflight.has(hash)) return undefined;
    const neg = this.negative.get(hash);
    if (neg !== undefined) {
      if (neg > this.d.now()) return { source: 'none', why: 'negative-cache' };
      this.negative.delete(hash);
    }
    if (!this.anyCandidate(hash)) return { source: 'none', why: 'bloom-negative' };
    return undefined;
  }

  private anyCandidate(hash: string): boolean {
    const now = this.d.now();
    for (const p of this.d.peers()) {
      if (p.reachable && p.filter && !this.d.bad.isBad(p.url, now) && mayContain(p.filter.filter, hash)) return true;
    }
    return false;
  }

  /** Peers worth asking: reachable, not marked bad, and whose filter may hold the hash. */
  candidates(hash: string): string[] {
    const now = this.d.now();
    return this.d
      .peers()
      .filter((p) => p.reachable && p.filter && !this.d.bad.isBad(p.url, now) && mayContain(p.filter.filter, hash))
      .map((p) => p.url);
  }

  private readonly inflight = new Map<string, Promise<Resolution>>();

  /**
   * Resolve a hash. Concurrent lookups of one hash share one peer round; a
   * peer offer also starts lookups of its references in the background, so a
   * client walking a closure (Nix does it level by level) finds them ready.
   */
  async resolve(hash: string, opts: { hop: boolean }): Promise<Resolution> {
    const now = this.answerNow(hash, opts);
    if (now) return now;
    const running = this.inflight.get(hash);
    if (running) return running;
    const p = this.resolveFromPeers(hash).finally(() => this.inflight.delete(hash));
    this.inflight.set(hash, p);
    const r = await p;
    // The rest of the closure from the peer that has the path, in one answer; a peer that cannot (an older irisd)
    // gets the references looked up one by one in the background instead.
    if (r.source === 'peer' && !(await this.prefetchClosure(r.peer, hash))) {
      for (const ref of r.narinfo.references) {
        const h = storePathHash(ref);
        if (h !== hash && !this.offers.has(h) && !this.inflight.has(h)) {
          // A prefetch: Nix asks for the reference next, and a failure then is answered (and logged) as usual.
          void this.resolve(h, { hop: false }).catch((e: unknown) => this.d.log.debug(`prefetch of ${h} failed: ${(e as Error).message}`));
        }
      }
    }
    return r;
  }

  private async resolveFromPeers(hash: string): Promise<Resolution> {
    const local = this.local(hash);
    if (local) return local;
    const cached = this.cached(hash);
    if (cached) return cached;
    const now = this.d.now();
    const neg = this.negative.get(hash);
    if (neg !== undefined) {
      if (neg > now) return { source: 'none', why: 'negative-cache' };
      this.negative.delete(hash);
    }
    const cands = this.candidates(hash);
    if (cands.length === 0) return { source: 'none', why: 'bloom-negative' };
    const { offer, answers } = await firstOffer(cands, hash, this.d.trusted, this.d.timeoutMs);
    this.judge(answers);
    if (!offer) {
      if (this.d.negativeTtlMs > 0) {
        if (this.negative.size > 100_000) this.negative.clear();
        this.negative.set(hash, this.d.now() + this.d.negativeTtlMs);
      }
      return { source: 'none', why: 'no-peer' };
    }
    if (this.offers.size > 100_000) this.offers.clear();
    const served = proxiedNarInfo(offer.narinfo);
    this.offers.set(hash, { peer: offer.peer, narinfo: offer.narinfo, served, at: this.d.now(), checked: true });
    return { source: 'peer', narinfo: served, peer: offer.peer, peerNarinfo: offer.narinfo };
  }

  /** Ask `peer` for the closure of `hash` (GET /iris/v1/closure) and remember every path in it as an offer. */
  private async prefetchClosure(peer: string, hash: string): Promise<boolean> {
    let body: string;
    try {
      const res = await peerGet(`${peer}/iris/v1/closure/${hash}`, { headers: { [HOP_HEADER]: '1' }, timeoutMs: this.d.timeoutMs });
      if (res.statusCode !== 200) {
        res.resume();
        return false;
      }
      body = await readPeerText(res, MAX_CLOSURE_BYTES, `${peer}'s closure of ${hash}`, this.d.timeoutMs * 4);
    } catch (e) {
      this.d.log.debug(`closure of ${hash} from ${peer} failed: ${(e as Error).message}`);
      return false;
    }
    const at = this.d.now();
    if (this.offers.size > 100_000) this.offers.clear();
    for (const text of splitNarInfos(body)) {
      const parsed = parseNarInfo(text);
      if (!parsed.ok || parsed.value.compression !== 'none') continue; // such a path is looked up, and judged, on its own
      const n = parsed.value;
      const h = storePathHash(n.storePath);
      if (this.offers.has(h) || this.d.index().byHash.has(h)) continue;
      this.offers.set(h, { peer, narinfo: n, served: proxiedNarInfo(n), at, checked: false });
    }
    return true;
  }

  private judge(answers: readonly PeerAnswer[]): void {
    for (const a of answers) {
      if (a.kind === 'bad') {
        this.markBad(a.peer, a.reason);
      } else if (a.kind === 'untrusted') {
        this.d.log.warn(`peer ${a.peer} offers ${a.narinfo.storePath} without a signature by a trusted key; not offered`);
      }
    }
  }

  markBad(peer: string, reason: string): void {
    this.d.log.warn(`peer ${peer} marked bad for ${Math.round(this.d.badPeerMs / 1000)} s: ${reason}`);
    this.d.bad.mark(peer, this.d.now(), this.d.badPeerMs);
    for (const [h, o] of this.offers) if (o.peer === peer) this.offers.delete(h);
  }

  /** The peer offer behind a NAR URL (resolving again when the offer was forgotten). */
  async offerFor(hash: string, narHash: string): Promise<{ peer: string; narinfo: NarInfo } | undefined> {
    const o = this.offered(hash);
    if (o?.source === 'peer' && o.peerNarinfo.narHash === narHash) return { peer: o.peer, narinfo: o.peerNarinfo };
    const r = await this.resolve(hash, { hop: false });
    if (r.source === 'peer' && r.peerNarinfo.narHash === narHash) return { peer: r.peer, narinfo: r.peerNarinfo };
    return undefined;
  }

  /** Every peer that holds the path (bloom hit confirmed by its narinfo), for /iris/v1/providers. */
  async providers(hash: string): Promise<PeerAnswer[]> {
    return allAnswers(this.candidates(hash), hash, this.d.trusted, this.d.timeoutMs);
  }

  /** Forget negative answers (after the peers' filters changed). */
  clearNegative(): void {
    this.negative.clear();
  }
}

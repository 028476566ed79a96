import { readBodyCapped } from '../../core/bounded-body.js';
import { decodeFilter, type FilterSnapshot } from '../bloom/wire.js';

/** What this irisd knows of one peer's filter. */
export interface PeerFilterState {
  readonly url: string;
  readonly filter?: FilterSnapshot;
  readonly etag?: string;
  /** Whether the last filter fetch got an answer (200 or 304). */
  readonly reachable: boolean;
  readonly lastOkAt?: number;
  readonly lastError?: string;
}

export function initialPeerState(url: string): PeerFilterState {
  return { url, reachable: false };
}

export type FetchFn = typeof fetch;

/** A filter of 10 million paths at 1 % false positives is about 16 MiB as served; a peer's is read no further than this. */
export const MAX_FILTER_BYTES = 32 * 1024 * 1024;

/**
 * Fetch a peer's filter, sending the ETag it last gave so an unchanged
 * filter costs a 304 and no decoding. Never throws: a failure is recorded in
 * the returned state, which keeps the last good filter (the peer is left out
 * of lookups while unreachable).
 */
export async function refreshPeerFilter(prev: PeerFilterState, timeoutMs: number, now: number, fetchFn: FetchFn = fetch): Promise<PeerFilterState> {
  try {
    const res = await fetchFn(`${prev.url}/iris/v1/filter`, {
      headers: prev.etag ? { 'if-none-match': prev.etag } : {},
      signal: AbortSignal.timeout(Math.max(timeoutMs, 5000)),
    });
    if (res.status === 304 && prev.filter) {
      await res.body?.cancel();
      return { ...prev, reachable: true, lastOkAt: now, lastError: undefined };
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      return { ...prev, reachable: false, lastError: `HTTP ${res.status}` };
    }
    const decoded = decodeFilter(await readBodyCapped(res, MAX_FILTER_BYTES, `${prev.url}'s filter`));
    if (!decoded.ok) return { ...prev, reachable: false, lastError: decoded.error };
    const etag = res.headers.get('etag') ?? undefined;
    return { url: prev.url, filter: decoded.value, reachable: true, lastOkAt: now, ...(etag ? { etag } : {}) };
  } catch (e) {
    return { ...prev, reachable: false, lastError: (e as Error).message };
  }
}

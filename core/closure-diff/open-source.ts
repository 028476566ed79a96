import { NoCacheError, NoCacheKeyError } from '../errors/index.js';
import type { PublicKey } from '../keys.js';
import { cacheSource } from './cache-source.js';
import { localStoreSource } from './local-store-source.js';
import { type ClosureSource, firstThen } from './source.js';

export interface OpenSourceOptions {
  /** Binary caches to read, in order. */
  readonly caches: readonly string[];
  /** Cache keys whose narinfo signatures count. */
  readonly trustedKeys: readonly PublicKey[];
  /** Read roots the local Nix store holds from it first (default true; the reconciler reads caches only). */
  readonly localStore?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  readonly concurrency?: number;
}

/** A source that refuses every read with `error`: a cache is needed and cannot be used. */
function refusing(error: () => Error): ClosureSource {
  return { closure: () => Promise.reject(error()), bootLinks: () => Promise.reject(error()) };
}

/**
 * The closure source the CLI and the reconciler use: the local store for the
 * roots it holds, else the caches — which need at least one trusted cache
 * key, since an unsigned narinfo cannot be believed.
 */
export function openClosureSource(opts: OpenSourceOptions): ClosureSource {
  const caches = [...opts.caches];
  const remote =
    caches.length === 0
      ? refusing(() => new NoCacheError({ caches }))
      : opts.trustedKeys.length === 0
        ? refusing(() => new NoCacheKeyError({ caches }))
        : cacheSource({ caches, trustedKeys: opts.trustedKeys, ...(opts.concurrency ? { concurrency: opts.concurrency } : {}) });
  return opts.localStore === false ? remote : firstThen(localStoreSource(opts.env ? { env: opts.env } : {}), remote);
}

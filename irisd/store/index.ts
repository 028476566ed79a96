import { storePathHash } from '../../core/store-path.js';
import type { PathInfo } from '../../core/path-info.js';

/** A snapshot of the local store: every valid path by its hash. Pure once built. */
export interface StoreIndex {
  readonly byHash: ReadonlyMap<string, PathInfo>;
  readonly builtAt: number;
  readonly buildMs: number;
}

export function buildStoreIndex(infos: readonly PathInfo[], builtAt: number, buildMs = 0): StoreIndex {
  const byHash = new Map<string, PathInfo>();
  for (const i of infos) byHash.set(storePathHash(i.path), i);
  return { byHash, builtAt, buildMs };
}

export const emptyStoreIndex: StoreIndex = { byHash: new Map(), builtAt: 0, buildMs: 0 };

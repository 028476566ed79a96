import type { PathInfo } from '../../core/path-info.js';

/**
 * A snapshot of the local store: every valid path by its hash. Never changed
 * once served; a scan that finds changes makes a new one (index-change.ts).
 */
export interface StoreIndex {
  readonly byHash: ReadonlyMap<string, PathInfo>;
}

export const emptyStoreIndex: StoreIndex = { byHash: new Map() };

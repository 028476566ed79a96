import { createHash } from 'node:crypto';
import type { PathInfo } from '../../core/path-info.js';
import { storePathHash } from '../../core/store-path.js';

/** What one scan of the store changed, by store path hash: new or changed paths, and the hashes of paths gone. */
export interface IndexChange {
  readonly upserted: readonly PathInfo[];
  readonly removed: readonly string[];
}

/**
 * Pure: a digest of everything a narinfo is made from (path, NAR hash and
 * size, references, signatures, deriver, content address); equal digests
 * mean the same narinfo. The scan worker keeps these, not the PathInfos: a
 * few dozen bytes per path instead of a second copy of the index.
 */
export function pathInfoDigest(i: PathInfo): string {
  return createHash('sha256')
    .update(JSON.stringify([i.path, i.narHash, i.narSize, i.references, i.sigs, i.deriver ?? null, i.ca ?? null]))
    .digest('base64');
}

/** Pure: the change from the scan whose digests are `before` (by hash) to one that found `after`, and `after`'s digests. */
export function diffScan(before: ReadonlyMap<string, string>, after: readonly PathInfo[]): { change: IndexChange; digests: Map<string, string> } {
  const digests = new Map<string, string>();
  const upserted: PathInfo[] = [];
  for (const info of after) {
    const hash = storePathHash(info.path);
    const digest = pathInfoDigest(info);
    digests.set(hash, digest);
    if (before.get(hash) !== digest) upserted.push(info);
  }
  const removed: string[] = [];
  for (const hash of before.keys()) if (!digests.has(hash)) removed.push(hash);
  return { change: { upserted, removed }, digests };
}

/** Pure: `byHash` with a change applied, as a new map (the old one may still be serving). */
export function applyChange(byHash: ReadonlyMap<string, PathInfo>, change: IndexChange): Map<string, PathInfo> {
  const next = new Map(byHash);
  for (const hash of change.removed) next.delete(hash);
  for (const info of change.upserted) next.set(storePathHash(info.path), info);
  return next;
}

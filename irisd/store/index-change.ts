import type { PathInfo } from '../../core/path-info.js';
import { storePathHash } from '../../core/store-path.js';

/** What one scan of the store changed, by store path hash: new or changed paths, and the hashes of paths gone. */
export interface IndexChange {
  readonly upserted: readonly PathInfo[];
  readonly removed: readonly string[];
}

/** Pure: same path, same NAR, same references, signatures, deriver and content address. */
export function samePathInfo(a: PathInfo, b: PathInfo): boolean {
  return (
    a.path === b.path &&
    a.narHash === b.narHash &&
    a.narSize === b.narSize &&
    a.deriver === b.deriver &&
    a.ca === b.ca &&
    sameList(a.references, b.references) &&
    sameList(a.sigs, b.sigs)
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Pure: the change from `before` to a scan that found `after`, and `after` by hash (the next `before`). */
export function diffScan(before: ReadonlyMap<string, PathInfo>, after: readonly PathInfo[]): { change: IndexChange; byHash: Map<string, PathInfo> } {
  const byHash = new Map<string, PathInfo>();
  const upserted: PathInfo[] = [];
  for (const info of after) {
    const hash = storePathHash(info.path);
    byHash.set(hash, info);
    const old = before.get(hash);
    if (!old || !samePathInfo(old, info)) upserted.push(info);
  }
  const removed: string[] = [];
  for (const hash of before.keys()) if (!byHash.has(hash)) removed.push(hash);
  return { change: { upserted, removed }, byHash };
}

/** Pure: `byHash` with a change applied, as a new map (the old one may still be serving). */
export function applyChange(byHash: ReadonlyMap<string, PathInfo>, change: IndexChange): Map<string, PathInfo> {
  const next = new Map(byHash);
  for (const hash of change.removed) next.delete(hash);
  for (const info of change.upserted) next.set(storePathHash(info.path), info);
  return next;
}

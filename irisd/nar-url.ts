import type { NarInfo } from '../core/narinfo.js';
import { storePathHash } from '../core/store-path.js';

/** The NAR URL irisd serves for a path: names both the path and the NAR content, so a changed path never aliases. */
export function narUrl(n: Pick<NarInfo, 'storePath' | 'narHash'>): string {
  return `nar/${storePathHash(n.storePath)}-${n.narHash.slice('sha256:'.length)}.nar`;
}

/**
 * The file name under /nar/ that irisd accepts: `<32 nix32>-<52 nix32>.nar`, or the same name with `.zst` for
 * that NAR compressed with zstd (irisd/nar-compression.ts). Both are always served, whatever `[cache]
 * compression` says now: a client may hold a narinfo from before the setting changed.
 */
export const NAR_FILE = /^([0-9a-df-np-sv-z]{32})-([0-9a-df-np-sv-z]{52})\.nar(\.zst)?$/;

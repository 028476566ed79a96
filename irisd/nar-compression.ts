import type { NarInfo } from '../core/narinfo.js';

/** What `[cache] compression` may say: how irisd sends NARs to Nix clients. */
export const NAR_COMPRESSIONS = ['none', 'zstd'] as const;
export type NarCompression = (typeof NAR_COMPRESSIONS)[number];

/** The suffix a compressed NAR's URL gets, as Nix's own binary caches name them (`.nar.zst`). */
export const NAR_SUFFIX: Readonly<Record<NarCompression, string>> = { none: '', zstd: '.zst' };

/**
 * Pure: the narinfo a Nix client is served. irisd holds and passes between
 * peers only uncompressed narinfos (irisd/peers/lookup.ts refuses others);
 * for a client, with `compression = "zstd"`, the URL gains `.zst` and
 * `Compression` says zstd. NarHash and NarSize stay those of the
 * uncompressed NAR, so the signatures (over path, NarHash, NarSize and
 * references) still verify. FileHash and FileSize are left out: they would
 * need the whole compressed NAR before its first byte is sent, and Nix does
 * not require them.
 */
export function clientNarInfo(n: NarInfo, compression: NarCompression): NarInfo {
  if (compression === 'none' || n.compression !== 'none' || !n.url.endsWith('.nar')) return n;
  const { fileHash: _h, fileSize: _s, ...rest } = n;
  return { ...rest, url: n.url + NAR_SUFFIX[compression], compression };
}

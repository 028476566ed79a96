import type { NarInfo } from '../core/narinfo.js';
import { storePathHash } from '../core/store-path.js';

/**
 * The closure batch between peers (`GET /iris/v1/closure/<hash>`): one answer
 * holds the narinfos of a path and of everything it references, so a hop that
 * got an offer for the top of a closure has the rest without a round trip per
 * path (Nix walks a closure one reference at a time).
 */

/** At most this many narinfos in one closure answer (a NixOS system is a few thousand paths). */
export const MAX_CLOSURE_PATHS = 20_000;
/** A closure answer is read no further than this (MAX_CLOSURE_PATHS narinfos of ~1 KiB). */
export const MAX_CLOSURE_BYTES = 32 * 1024 * 1024;
export const CLOSURE_MEDIA_TYPE = 'text/x-nix-narinfo';

/**
 * Pure: the narinfos of `root`'s closure, breadth first from the root, as
 * far as `lookup` knows them (a path it does not hold is left out, with what
 * only it references), and at most `max` of them.
 */
export function closureNarInfos(root: string, lookup: (hash: string) => NarInfo | undefined, max = MAX_CLOSURE_PATHS): NarInfo[] {
  const out: NarInfo[] = [];
  const seen = new Set<string>([root]);
  const queue = [root];
  for (let i = 0; i < queue.length && out.length < max; i++) {
    const n = lookup(queue[i]!);
    if (!n) continue;
    out.push(n);
    for (const ref of n.references) {
      const h = storePathHash(ref);
      if (!seen.has(h)) {
        seen.add(h);
        queue.push(h);
      }
    }
  }
  return out;
}

/** Narinfo texts as one answer: each ends with a newline, and a blank line separates them (a narinfo has none). */
export function joinNarInfos(texts: readonly string[]): string {
  return texts.map((t) => (t.endsWith('\n') ? t : t + '\n')).join('\n');
}

/** The narinfo texts of a closure answer. */
export function splitNarInfos(body: string): string[] {
  return body.split(/\n\n+/).map((t) => t.trim()).filter((t) => t !== '').map((t) => t + '\n');
}

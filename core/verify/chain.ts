import { ChainBrokenError, OgygiaError } from '../errors/index.js';
import { parseChannelDocument, type Release } from '../release.js';
import { releaseDigest } from '../signing.js';
import type { AcceptedHead } from '../transition.js';

/**
 * Pure: for a skip (revision floor + k, k > 1), follow `previous` links from
 * `release` back to the floor through the intermediate versions of the file
 * (any order; versions that do not parse cannot be links and are left out).
 * Returns the refusal, or undefined when the chain links: ChainBrokenError
 * (DESIGN.md §12) when a revision in between is missing (`missing`) or the
 * oldest link does not name the floor's digest (`expected`).
 */
export function chainProblem(release: Release, floor: AcceptedHead, intermediates: readonly (Uint8Array | string)[], channel: string): OgygiaError | undefined {
  const byDigest = new Map<string, Release>();
  for (const bytes of intermediates) {
    try {
      const doc = parseChannelDocument(bytes, { fileChannel: channel });
      byDigest.set(releaseDigest(doc.release), doc.release);
    } catch (e) {
      // A malformed intermediate version cannot be a link of the chain; leave it out.
      if (!(e instanceof OgygiaError)) throw e;
    }
  }
  let cur = release;
  while (cur.revision > floor.revision + 1) {
    const prev = cur.previous === null ? undefined : byDigest.get(cur.previous);
    if (!prev || prev.revision !== cur.revision - 1) {
      return new ChainBrokenError({ reason: 'missing', channel, revision: release.revision, floor: floor.revision, missing: cur.revision - 1, previous: cur.previous });
    }
    cur = prev;
  }
  if (cur.previous !== floor.digest) {
    return new ChainBrokenError({ reason: 'mismatch', channel, revision: release.revision, floor: floor.revision, previous: cur.previous, expected: floor.digest });
  }
  return undefined;
}

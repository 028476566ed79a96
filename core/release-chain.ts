import type { AcceptedHead } from './transition.js';

/** The most releases in between a skip brings along (DESIGN.md §12); a longer gap is refused unless walked in steps. */
export const MAX_CHAIN_RELEASES = 512;
/** The most bytes of releases in between one answer carries. */
export const MAX_CHAIN_BYTES = 8 * 1024 * 1024;

/**
 * Pure, untrusted: the revision a channel file claims, read only to decide
 * whether a skip needs the releases in between — verification reads it again
 * properly. Undefined when the bytes do not say.
 */
export function claimedRevision(bytes: Uint8Array | string): number | undefined {
  try {
    const doc = JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8')) as { release?: { revision?: unknown } };
    const r = doc.release?.revision;
    return typeof r === 'number' && Number.isSafeInteger(r) ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a head claiming `revision` skips past what was accepted (`since`), so the releases in between must come with it. */
export function needsChain(since: Pick<AcceptedHead, 'revision'> | undefined, revision: number | undefined): boolean {
  return since !== undefined && revision !== undefined && revision > since.revision + 1;
}

/**
 * Pure: which versions (newest first, as channelHistory gives them) to send as
 * the chain from `since` to a head at `headRevision`: those strictly between,
 * at most MAX_CHAIN_RELEASES and MAX_CHAIN_BYTES.
 */
export function chainVersions<T extends { readonly bytes: Uint8Array }>(versions: readonly T[], since: number, headRevision: number): T[] {
  const out: T[] = [];
  let bytes = 0;
  for (const v of versions) {
    const r = claimedRevision(v.bytes);
    if (r === undefined || r <= since || r >= headRevision) continue;
    if (out.length >= MAX_CHAIN_RELEASES || bytes + v.bytes.byteLength > MAX_CHAIN_BYTES) break;
    out.push(v);
    bytes += v.bytes.byteLength;
  }
  return out;
}

import { channelHistory } from '../../core/channels-repo.js';
import { MAX_CHAIN_RELEASES, chainVersions } from '../../core/release-chain.js';
import { InternalError, isOgygiaError } from '../../core/errors/index.js';
import { parseChannelDocument, type Release } from '../../core/release.js';
import { releaseDigest } from '../../core/signing.js';
import type { HistoryEntry } from '../context.js';
import type { ServedHead } from '../heads.js';
import type { TrustConfig } from '../../core/trust.js';
import { verifyRelease } from '../../core/verify/pipeline.js';

/** Versions of a channel file along the served branch (first parents), newest first. */
export async function readHistory(gitdir: string, commit: string | undefined, channel: string, limit: number): Promise<HistoryEntry[]> {
  if (!commit) return [];
  const versions = await channelHistory({ gitdir }, commit, channel, limit);
  return versions.map((v) => {
    try {
      const doc = parseChannelDocument(v.bytes, { fileChannel: channel });
      return { revision: doc.release.revision, digest: releaseDigest(doc.release), commit: v.commit, committedAt: v.committedAt, signers: doc.signatures.map((s) => s.key) };
    } catch (e) {
      const err = InternalError.wrap(e, `reading ${channel} at ${v.commit.slice(0, 12)}`);
      return { commit: v.commit, committedAt: v.committedAt, error: { code: err.code, message: err.message } };
    }
  });
}

/**
 * The versions of a channel file strictly between revision `since` and the
 * served head, as committed (newest first, bounded by MAX_CHAIN_RELEASES and
 * MAX_CHAIN_BYTES): what an agent that skips revisions checks its chain with.
 */
export async function readChain(gitdir: string, head: { readonly commit: string; readonly revision: number }, channel: string, since: number): Promise<string[]> {
  const versions = await channelHistory({ gitdir }, head.commit, channel, 2 * MAX_CHAIN_RELEASES);
  return chainVersions(versions, since, head.revision).map((v) => Buffer.from(v.bytes).toString('utf8'));
}

/**
 * The release with `digest` among the last `limit` versions of a channel file
 * along the served branch (the revision a host reports it runs), or undefined.
 * Its signatures are not checked again: the digest is that of a release the
 * reconciler served and the host verified; the dashboard only reads its targets.
 */
export async function readReleaseByDigest(gitdir: string, commit: string, channel: string, digest: string, limit = 200): Promise<Release | undefined> {
  for (const v of await channelHistory({ gitdir }, commit, channel, limit)) {
    try {
      const doc = parseChannelDocument(v.bytes, { fileChannel: channel });
      if (releaseDigest(doc.release) === digest) return doc.release;
    } catch (e) {
      if (!isOgygiaError(e)) throw e;
    }
  }
  return undefined;
}

/**
 * The newest version of a channel file before `head` along the served branch
 * that verifies against the reconciler's trust: what hosts outside the open
 * waves are served when a rollout is under way and the reconciler has no
 * record of the release before it (first start, or its state was removed).
 * Null when there is none (the head is the channel's first release).
 */
export async function readPreviousHead(gitdir: string, head: ServedHead, trust: TrustConfig, now: Date): Promise<ServedHead | null> {
  const file = `channels/${head.channel}.json`;
  for (const v of await channelHistory({ gitdir }, head.commit, head.channel, 50)) {
    if (v.commit === head.commit) continue;
    const verdict = verifyRelease({ bytes: v.bytes, size: v.size, file, channel: head.channel, trust, now });
    if (verdict.problems.length > 0 || !verdict.release || !verdict.digest) continue;
    if (verdict.release.revision >= head.revision) continue;
    return {
      channel: head.channel,
      text: Buffer.from(v.bytes).toString('utf8'),
      revision: verdict.release.revision,
      digest: verdict.digest,
      commit: v.commit,
      committedAt: v.committedAt,
      blob: v.oid,
      servedAt: now.toISOString(),
    };
  }
  return null;
}

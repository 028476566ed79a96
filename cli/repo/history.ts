import { type ChannelVersion, channelHistory } from '../../core/channels-repo.js';
import { ChannelNotFoundError, isOgygiaError } from '../../core/errors/index.js';
import type { Release } from '../../core/release.js';
import { parseChannelFile } from './channel-file.js';
import { releaseDigest } from '../../core/signing.js';

/** One release in a channel's history: approvals of the same release fold into one entry. */
export interface HistoryEntry {
  readonly revision?: number;
  readonly digest?: string;
  readonly commit: string; // the commit that introduced this release
  readonly committedAt: string;
  readonly signers: readonly string[]; // key names on the newest version of the file
  readonly release?: Release;
  readonly error?: { code: string; message: string };
}

/** Pure: fold file versions (newest first) into releases (newest first). */
export function foldHistory(channel: string, versions: readonly ChannelVersion[]): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  for (const v of versions) {
    try {
      const doc = parseChannelFile(v.bytes, `channels/${channel}.json@${v.commit.slice(0, 12)}`, channel);
      const digest = releaseDigest(doc.release);
      const last = out[out.length - 1];
      if (last && last.digest === digest) {
        // An older version of the same release: it introduced it; keep the newest signer list.
        out[out.length - 1] = { ...last, commit: v.commit, committedAt: v.committedAt };
        continue;
      }
      out.push({ revision: doc.release.revision, digest, commit: v.commit, committedAt: v.committedAt, signers: doc.signatures.map((s) => s.key), release: doc.release });
    } catch (e) {
      if (!isOgygiaError(e)) throw e;
      out.push({ commit: v.commit, committedAt: v.committedAt, signers: [], error: { code: e.code, message: e.message } });
    }
  }
  return out;
}

/** A channel's releases in `repo` at `ref`, newest first (at most `limit`); refuses a channel with none. */
export async function loadHistory(repo: string, ref: string, channel: string, limit?: number): Promise<HistoryEntry[]> {
  const versions = await channelHistory({ dir: repo }, ref, channel);
  const entries = foldHistory(channel, versions);
  if (entries.length === 0) {
    throw new ChannelNotFoundError({ where: 'repository', channel, repo, ref });
  }
  return limit === undefined ? entries : entries.slice(0, limit);
}

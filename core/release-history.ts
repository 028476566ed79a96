import type { ChannelVersion } from './channels-repo.js';
import { isOgygiaError } from './errors/index.js';
import { type Release, parseChannelDocument } from './release.js';
import { releaseDigest } from './signing.js';

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
      const doc = parseChannelDocument(v.bytes, { file: `channels/${channel}.json@${v.commit.slice(0, 12)}`, fileChannel: channel });
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

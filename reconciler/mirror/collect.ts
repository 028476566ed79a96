import fs from 'node:fs';
import git from 'isomorphic-git';
import { CHANNELS_DIR, descendsFrom, readChannelsAt, type Repo } from '../../core/channels-repo.js';
import { createObjectSizer } from '../../core/git-object-size.js';
import { MAX_CHANNEL_FILE_BYTES } from '../../core/release.js';
import type { BranchSnapshot, CandidateFile, ServedState } from '../heads.js';

/** How far history walks go before giving up (a bound, not a correctness limit). */
const MAX_COMMITS = 2000;

interface CommitInfo {
  readonly parents: readonly string[];
  readonly committedAt: string;
  /** channel -> blob oid of channels/<channel>.json at this commit */
  readonly blobs: ReadonlyMap<string, string>;
}

async function readCommitInfo(gitdir: string, oid: string, cache: Map<string, CommitInfo>): Promise<CommitInfo | undefined> {
  const hit = cache.get(oid);
  if (hit) return hit;
  let c;
  try {
    c = (await git.readCommit({ fs, gitdir, oid })).commit;
  } catch {
    return undefined; // missing object (shallow or pruned history): the walk stops here
  }
  const blobs = new Map<string, string>();
  try {
    const { tree } = await git.readTree({ fs, gitdir, oid, filepath: CHANNELS_DIR });
    for (const e of tree) if (e.type === 'blob' && e.path.endsWith('.json')) blobs.set(e.path.slice(0, -5), e.oid);
  } catch {
    // no channels/ directory at this commit
  }
  const info = { parents: c.parent, committedAt: new Date(c.committer.timestamp * 1000).toISOString(), blobs };
  cache.set(oid, info);
  return info;
}

/**
 * Read the branch head into the snapshot head selection needs: every channel
 * file, the commit that introduced each changed one (first-parent walk), and
 * the other versions of changed files since their served commit (walk over all
 * parents) so a revision skip can be checked against history.
 */
export async function collectSnapshot(gitdir: string, commit: string, prev: ServedState): Promise<BranchSnapshot> {
  const repo: Repo = { gitdir };
  let descendsFromServed = true;
  if (prev.branchCommit !== undefined && prev.branchCommit !== commit) {
    descendsFromServed = await descendsFrom(repo, commit, prev.branchCommit).catch(() => false);
  }
  const snap = await readChannelsAt(repo, commit);
  const files = new Map<string, CandidateFile>();
  const changed: string[] = [];
  for (const [channel, f] of snap.files) {
    const served = Object.hasOwn(prev.heads, channel) ? prev.heads[channel] : undefined;
    if (served && served.blob === f.oid) {
      files.set(channel, { blob: f.oid, bytes: f.bytes, size: f.size, commit: served.commit, committedAt: served.committedAt, intermediates: [] });
    } else {
      changed.push(channel);
    }
  }
  if (changed.length === 0 || !descendsFromServed) {
    for (const c of changed) {
      const f = snap.files.get(c)!;
      files.set(c, { blob: f.oid, bytes: f.bytes, size: f.size, commit, committedAt: snap.committedAt, intermediates: [] });
    }
    return { commit, descendsFromServed, files };
  }

  const cache = new Map<string, CommitInfo>();
  const sizer = createObjectSizer(gitdir);
  // 1. The introducing commit of each changed file: walk first parents until the blob differs from the parent's.
  const introduced = new Map<string, { commit: string; committedAt: string }>();
  let cur: string | undefined = commit;
  const pending = new Set(changed);
  for (let steps = 0; cur && pending.size > 0 && steps < MAX_COMMITS; steps++) {
    const info = await readCommitInfo(gitdir, cur, cache);
    if (!info) break;
    const parent: string | undefined = info.parents[0];
    const pinfo = parent ? await readCommitInfo(gitdir, parent, cache) : undefined;
    for (const c of [...pending]) {
      if (info.blobs.get(c) !== pinfo?.blobs.get(c)) {
        introduced.set(c, { commit: cur, committedAt: info.committedAt });
        pending.delete(c);
      }
    }
    cur = parent;
  }

  // 2. Other versions of changed files with a served head, back to the commits that introduced the served versions.
  const withServed = changed.filter((c) => Object.hasOwn(prev.heads, c));
  const versions = new Map<string, Set<string>>(withServed.map((c) => [c, new Set<string>()]));
  if (withServed.length > 0) {
    const stop = new Set(withServed.map((c) => prev.heads[c]!.commit));
    const queue = [commit];
    const seen = new Set<string>();
    while (queue.length > 0 && seen.size < MAX_COMMITS) {
      const oid = queue.shift()!;
      if (seen.has(oid)) continue;
      seen.add(oid);
      const info = await readCommitInfo(gitdir, oid, cache);
      if (!info) continue;
      for (const c of withServed) {
        const b = info.blobs.get(c);
        if (b) versions.get(c)!.add(b);
      }
      if (!stop.has(oid)) queue.push(...info.parents);
    }
  }

  for (const c of changed) {
    const f = snap.files.get(c)!;
    const intro = introduced.get(c) ?? { commit, committedAt: snap.committedAt };
    const others = [...(versions.get(c) ?? [])].filter((b) => b !== f.oid && b !== prev.heads[c]?.blob);
    const intermediates: Uint8Array[] = [];
    for (const b of others) {
      // A version over the cap cannot be a link of a chain: it is left out unread.
      if ((await sizer.size(b) ?? 0) > MAX_CHANNEL_FILE_BYTES) continue;
      intermediates.push((await git.readBlob({ fs, gitdir, oid: b })).blob);
    }
    files.set(c, { blob: f.oid, bytes: f.bytes, size: f.size, commit: intro.commit, committedAt: intro.committedAt, intermediates });
  }
  return { commit, descendsFromServed, files };
}

import fs from 'node:fs';
import { execa } from 'execa';
import git from 'isomorphic-git';
import { GitError, OversizeError } from './errors/index.js';
import { createObjectSizer, type ObjectSizer } from './git-object-size.js';
import { MAX_CHANNEL_FILE_BYTES } from './release.js';

/**
 * Reading the channels repository (DESIGN.md §3) at a commit with
 * isomorphic-git. Works on a work tree (`dir`) or a bare repository
 * (`gitdir`), so the CLI and the reconciler's mirror share it.
 */
export interface Repo {
  readonly dir?: string;
  readonly gitdir?: string;
}

export interface ChannelFile {
  readonly channel: string; // the file name without .json (validated by the caller)
  readonly path: string; // channels/<channel>.json
  readonly oid: string; // blob id
  /** The content; empty when the blob is over MAX_CHANNEL_FILE_BYTES (it is never inflated: see `size`). */
  readonly bytes: Uint8Array;
  /** The blob's size, read from its object header before anything is inflated. */
  readonly size: number;
}

export interface ChannelsSnapshot {
  readonly commit: string;
  readonly committedAt: string; // ISO time of the commit
  readonly files: ReadonlyMap<string, ChannelFile>;
  /** Entries under channels/ that are not `<name>.json` files. */
  readonly strays: readonly string[];
}

export const CHANNELS_DIR = 'channels';

/** The git directory of a repository given as a work tree or a bare directory. */
function gitdirOf(repo: Repo): string {
  return repo.gitdir ?? `${repo.dir ?? '.'}/.git`;
}

/**
 * A channel file's blob, read only when it is within the cap (DESIGN.md §15):
 * its size comes from the object header first, so a compressed blob bomb is
 * never inflated. Over the cap: empty bytes and the true size.
 */
async function readChannelBlob(repo: Repo, sizer: ObjectSizer, oid: string): Promise<{ bytes: Uint8Array; size: number }> {
  const size = await sizer.size(oid);
  if (size !== undefined && size > MAX_CHANNEL_FILE_BYTES) return { bytes: new Uint8Array(0), size };
  const { blob } = await git.readBlob({ ...repoArgs(repo), oid });
  return { bytes: blob, size: blob.byteLength };
}

/** The blob id of `channels/<channel>.json` at a commit (from its tree; the blob is not read), or undefined. */
async function channelFileOid(repo: Repo, commit: string, channel: string): Promise<string | undefined> {
  try {
    const { tree } = await git.readTree({ ...repoArgs(repo), oid: commit, filepath: CHANNELS_DIR });
    return tree.find((e) => e.path === `${channel}.json` && e.type === 'blob')?.oid;
  } catch {
    return undefined;
  }
}

function repoArgs(repo: Repo): { fs: typeof fs; dir?: string; gitdir?: string } {
  const a: { fs: typeof fs; dir?: string; gitdir?: string } = { fs };
  if (repo.dir !== undefined) a.dir = repo.dir;
  if (repo.gitdir !== undefined) a.gitdir = repo.gitdir;
  return a;
}

export async function resolveCommit(repo: Repo, ref: string): Promise<string> {
  try {
    if (/^[0-9a-f]{40}$/.test(ref)) return ref;
    try {
      return await git.resolveRef({ ...repoArgs(repo), ref });
    } catch (e) {
      // Revision syntax isomorphic-git lacks (HEAD~1, main^2, abbreviated ids): ask git itself, argv only.
      if (ref.startsWith('-')) throw e;
      const where = repo.gitdir ? ['--git-dir', repo.gitdir] : ['-C', repo.dir ?? '.'];
      const r = await execa('git', [...where, 'rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], { reject: false, stdin: 'ignore' });
      const oid = String(r.stdout).trim();
      if (r.exitCode === 0 && /^[0-9a-f]{40}$/.test(oid)) return oid;
      throw e;
    }
  } catch (e) {
    throw new GitError({ reason: 'resolve', repo: repo.dir ?? repo.gitdir ?? '(repository)', ref, cause: (e as Error).message });
  }
}

/** Every channel file at a commit (blob ids let callers skip unchanged files cheaply). */
export async function readChannelsAt(repo: Repo, ref: string): Promise<ChannelsSnapshot> {
  const args = repoArgs(repo);
  const commit = await resolveCommit(repo, ref);
  const { commit: c } = await git.readCommit({ ...args, oid: commit });
  const committedAt = new Date(c.committer.timestamp * 1000).toISOString();
  const files = new Map<string, ChannelFile>();
  const strays: string[] = [];
  let tree;
  try {
    tree = await git.readTree({ ...args, oid: commit, filepath: CHANNELS_DIR });
  } catch {
    return { commit, committedAt, files, strays };
  }
  const sizer = createObjectSizer(gitdirOf(repo));
  for (const entry of tree.tree) {
    const path = `${CHANNELS_DIR}/${entry.path}`;
    if (entry.type !== 'blob' || !entry.path.endsWith('.json')) {
      strays.push(path);
      continue;
    }
    const { bytes, size } = await readChannelBlob(repo, sizer, entry.oid);
    files.set(entry.path.slice(0, -'.json'.length), { channel: entry.path.slice(0, -5), path, oid: entry.oid, bytes, size });
  }
  return { commit, committedAt, files, strays };
}

/**
 * A file's bytes at a commit, or undefined when the commit does not hold it.
 * With `maxBytes`, a larger file is refused (OversizeError with its size)
 * before it is inflated.
 */
export async function readFileAt(repo: Repo, ref: string, filepath: string, maxBytes?: number): Promise<Uint8Array | undefined> {
  const commit = await resolveCommit(repo, ref);
  const slash = filepath.lastIndexOf('/');
  const dir = slash < 0 ? undefined : filepath.slice(0, slash);
  let oid: string | undefined;
  try {
    const { tree } = await git.readTree({ ...repoArgs(repo), oid: commit, ...(dir ? { filepath: dir } : {}) });
    oid = tree.find((e) => e.path === filepath.slice(slash + 1) && e.type === 'blob')?.oid;
  } catch {
    return undefined;
  }
  if (oid === undefined) return undefined;
  if (maxBytes !== undefined) {
    const size = await createObjectSizer(gitdirOf(repo)).size(oid);
    if (size !== undefined && size > maxBytes) {
      throw new OversizeError({ kind: 'channel-file', file: `${filepath} at ${commit.slice(0, 12)}`, bytes: size, limit: maxBytes });
    }
  }
  return (await git.readBlob({ ...repoArgs(repo), oid })).blob;
}

/** One version of a channel file in history: the commit that introduced it. */
export interface ChannelVersion {
  readonly commit: string;
  readonly committedAt: string;
  readonly oid: string;
  /** Empty when the blob is over MAX_CHANNEL_FILE_BYTES (never inflated): see `size`. */
  readonly bytes: Uint8Array;
  readonly size: number;
}

/**
 * Versions of `channels/<channel>.json` reachable from `ref`, newest first:
 * one entry per commit whose file differs from its first parent's. At most
 * `limit` versions; the walk also ends at the first commit `stopAt` names
 * (that commit's version is not included).
 */
export async function channelHistory(repo: Repo, ref: string, channel: string, limit = Infinity, stopAt?: string): Promise<ChannelVersion[]> {
  const args = repoArgs(repo);
  const commit = await resolveCommit(repo, ref);
  const out: ChannelVersion[] = [];
  const sizer = createObjectSizer(gitdirOf(repo));
  const blobOid = (oid: string): Promise<string | undefined> => channelFileOid(repo, oid, channel);
  // Walk first parents: the tracked branch's own sequence of states.
  let cur: string | undefined = commit;
  let curBlob = await blobOid(commit);
  while (cur && out.length < limit && cur !== stopAt) {
    const { commit: c } = await git.readCommit({ ...args, oid: cur });
    const parent = c.parent[0];
    const parentBlob = parent ? await blobOid(parent) : undefined;
    if (curBlob !== undefined && curBlob !== parentBlob) {
      const { bytes, size } = await readChannelBlob(repo, sizer, curBlob);
      out.push({ commit: cur, committedAt: new Date(c.committer.timestamp * 1000).toISOString(), oid: curBlob, bytes, size });
    }
    cur = parent;
    curBlob = parentBlob;
  }
  return out;
}

/** True when `oid` is `ancestor` or descends from it. */
export async function descendsFrom(repo: Repo, oid: string, ancestor: string): Promise<boolean> {
  if (oid === ancestor) return true;
  return git.isDescendent({ ...repoArgs(repo), oid, ancestor, depth: -1 });
}

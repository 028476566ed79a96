import fs from 'node:fs';
import { execa } from 'execa';
import git from 'isomorphic-git';
import { GitError } from './errors/index.js';

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
  readonly bytes: Uint8Array;
}

export interface ChannelsSnapshot {
  readonly commit: string;
  readonly committedAt: string; // ISO time of the commit
  readonly files: ReadonlyMap<string, ChannelFile>;
  /** Entries under channels/ that are not `<name>.json` files. */
  readonly strays: readonly string[];
}

export const CHANNELS_DIR = 'channels';

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
    throw new GitError(`Cannot resolve ${ref} in ${repo.dir ?? repo.gitdir}: ${(e as Error).message}; check the branch or commit name.`, {
      ref,
      repo: repo.dir ?? repo.gitdir,
    });
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
  for (const entry of tree.tree) {
    const path = `${CHANNELS_DIR}/${entry.path}`;
    if (entry.type !== 'blob' || !entry.path.endsWith('.json')) {
      strays.push(path);
      continue;
    }
    const { blob } = await git.readBlob({ ...args, oid: entry.oid });
    files.set(entry.path.slice(0, -'.json'.length), { channel: entry.path.slice(0, -5), path, oid: entry.oid, bytes: blob });
  }
  return { commit, committedAt, files, strays };
}

/** A file's bytes at a commit, or undefined when the commit does not hold it. */
export async function readFileAt(repo: Repo, ref: string, filepath: string): Promise<Uint8Array | undefined> {
  const oid = await resolveCommit(repo, ref);
  try {
    const { blob } = await git.readBlob({ ...repoArgs(repo), oid, filepath });
    return blob;
  } catch {
    return undefined;
  }
}

/** One version of a channel file in history: the commit that introduced it. */
export interface ChannelVersion {
  readonly commit: string;
  readonly committedAt: string;
  readonly oid: string;
  readonly bytes: Uint8Array;
}

/**
 * Versions of `channels/<channel>.json` reachable from `ref`, newest first:
 * one entry per commit whose file differs from its first parent's. At most
 * `limit` versions; the walk also ends at the first commit `stopAt` names
 * (that commit's version is not included).
 */
export async function channelHistory(repo: Repo, ref: string, channel: string, limit = Infinity, stopAt?: string): Promise<ChannelVersion[]> {
  const args = repoArgs(repo);
  const filepath = `${CHANNELS_DIR}/${channel}.json`;
  const commit = await resolveCommit(repo, ref);
  const out: ChannelVersion[] = [];
  const blobOid = async (oid: string): Promise<string | undefined> => {
    try {
      return (await git.readBlob({ ...args, oid, filepath })).oid;
    } catch {
      return undefined;
    }
  };
  // Walk first parents: the tracked branch's own sequence of states.
  let cur: string | undefined = commit;
  let curBlob = await blobOid(commit);
  while (cur && out.length < limit && cur !== stopAt) {
    const { commit: c } = await git.readCommit({ ...args, oid: cur });
    const parent = c.parent[0];
    const parentBlob = parent ? await blobOid(parent) : undefined;
    if (curBlob !== undefined && curBlob !== parentBlob) {
      const { blob } = await git.readBlob({ ...args, oid: curBlob });
      out.push({ commit: cur, committedAt: new Date(c.committer.timestamp * 1000).toISOString(), oid: curBlob, bytes: blob });
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

import fs from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import git from 'isomorphic-git';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { CHANNELS_DIR } from '../../core/channels-repo.js';
import { ChannelNotFoundError, GitError, UsageError } from '../../core/errors/index.js';
import { type ChannelDocument, formatChannelDocument } from '../../core/release.js';
import { parseChannelFile } from './channel-file.js';
import type { Rollout } from '../../core/rollout.js';
import { releaseDigest } from '../../core/signing.js';
import { parseRepoRollout } from './policy.js';

/**
 * The operator's side of the channels repository: a work tree where
 * `ogygia publish`, `approve` and `rollback` edit channel files and commit
 * them with isomorphic-git. Pushing uses the git CLI, so ssh remotes and
 * credential helpers work as they do for `git push`.
 */

/** Make `dir` a git repository on branch `main` unless it already is one. Returns true when it initialised. */
export async function ensureRepo(dir: string): Promise<boolean> {
  await mkdir(dir, { recursive: true });
  if (fs.existsSync(join(dir, '.git'))) return false;
  // Inside another repository: refuse rather than create a repository nested in it.
  const enclosing = await git.findRoot({ fs, filepath: resolve(dir) }).catch((e: unknown) => {
    if (e instanceof git.Errors.NotFoundError) return undefined; // not inside a repository
    throw e;
  });
  if (enclosing !== undefined) {
    throw new UsageError({ reason: 'nested-repo', repo: dir, enclosing });
  }
  await git.init({ fs, dir, defaultBranch: 'main' });
  return true;
}

export function channelFilePath(channel: string): string {
  return `${CHANNELS_DIR}/${channel}.json`;
}

/** The channel file in the work tree, parsed, with its digest; undefined when the channel has no file yet. */
export async function readWorkingChannel(dir: string, channel: string): Promise<{ doc: ChannelDocument; digest: string } | undefined> {
  const file = channelFilePath(channel);
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, file));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const doc = parseChannelFile(bytes, file, channel);
  return { doc, digest: releaseDigest(doc.release) };
}

/** The repository policy file at the top of the work tree (DESIGN §3). */
export const POLICY_FILE = 'ogygia.toml';

/**
 * The channel's rollout default from the work tree's ogygia.toml (the file
 * the operator edits and commits with the release); undefined when there is
 * no such file or it names no rollout for the channel. A malformed file is a
 * ConfigError, a malformed rollout an InvalidRolloutError/InvalidWaveError.
 */
export async function readWorkingRolloutDefault(dir: string, channel: string): Promise<Rollout | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, POLICY_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return parseRepoRollout(text, POLICY_FILE, channel);
}

export async function requireWorkingChannel(dir: string, channel: string): Promise<{ doc: ChannelDocument; digest: string }> {
  const cur = await readWorkingChannel(dir, channel);
  if (!cur) {
    throw new ChannelNotFoundError({ where: 'repository', channel, repo: dir });
  }
  return cur;
}

/** Write the channel file atomically, re-parsing what we wrote so a bad document never lands. */
export async function writeWorkingChannel(dir: string, doc: ChannelDocument): Promise<string> {
  const file = channelFilePath(doc.release.channel);
  const text = formatChannelDocument(doc);
  parseChannelFile(text, file, doc.release.channel);
  await mkdir(join(dir, CHANNELS_DIR), { recursive: true });
  await writeFileAtomic(join(dir, file), text);
  return file;
}

async function author(dir: string): Promise<{ name: string; email: string }> {
  const name =
    process.env.GIT_AUTHOR_NAME ?? ((await git.getConfig({ fs, dir, path: 'user.name' })) as string | undefined) ?? 'Ogygia publisher';
  const email =
    process.env.GIT_AUTHOR_EMAIL ?? ((await git.getConfig({ fs, dir, path: 'user.email' })) as string | undefined) ?? 'ogygia@localhost';
  return { name, email };
}

/** Stage the given files and commit them on the current branch; returns the new commit id. */
export async function commitFiles(dir: string, files: string[], message: string): Promise<string> {
  try {
    for (const f of files) await git.add({ fs, dir, filepath: f });
    const who = await author(dir);
    return await git.commit({ fs, dir, message, author: who, committer: who });
  } catch (e) {
    throw new GitError({ reason: 'commit', repo: dir, files, cause: (e as Error).message });
  }
}

export async function currentBranch(dir: string): Promise<string> {
  const b = await git.currentBranch({ fs, dir, fullname: false });
  if (!b) throw new GitError({ reason: 'detached-head', repo: dir });
  return b;
}

/** `git push <remote> <branch>` with the git CLI (argv only). */
export async function pushBranch(dir: string, remote: string): Promise<string> {
  const branch = await currentBranch(dir);
  const r = await execa('git', ['-C', dir, 'push', '--', remote, `refs/heads/${branch}:refs/heads/${branch}`], { reject: false, stdin: 'ignore' });
  if (r.exitCode !== 0) {
    throw new GitError({ reason: 'push', remote, branch, cause: String(r.stderr).trim().split('\n').pop() ?? `git exited ${r.exitCode}` });
  }
  return branch;
}

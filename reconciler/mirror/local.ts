import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { GitError } from '../../core/errors/index.js';
import { fetchedRef } from './repo.js';

/** The git directory of a local repository path: `<path>/.git` for a work tree, the path itself when bare. */
export function localGitdir(source: string): string {
  const dotgit = join(source, '.git');
  return existsSync(dotgit) ? dotgit : source;
}

/** Copy the tracked branch of a local repository into the mirror (`git fetch`); returns the fetched commit. */
export async function fetchLocal(opts: { gitdir: string; source: string; branch: string; git: string }): Promise<string> {
  const { gitdir, source, branch } = opts;
  const ref = fetchedRef(branch);
  const r = await execa(opts.git, ['--git-dir', gitdir, 'fetch', '--quiet', '--no-tags', '--no-write-fetch-head', localGitdir(source), `+refs/heads/${branch}:${ref}`], {
    reject: false,
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
  });
  if (r.exitCode !== 0) {
    throw new GitError({ reason: 'fetch', from: 'local', source, branch, cause: String(r.stderr).trim() || `git exited ${r.exitCode}` });
  }
  const rev = await execa(opts.git, ['--git-dir', gitdir, 'rev-parse', '--verify', `${ref}^{commit}`], { reject: false });
  if (rev.exitCode !== 0) throw new GitError({ reason: 'no-branch', source, branch });
  return String(rev.stdout).trim();
}

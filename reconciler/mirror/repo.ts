import fs from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import git from 'isomorphic-git';

/**
 * The bare mirror in the state directory. The fetched branch lands in
 * `refs/remotes/origin/<branch>`; `refs/heads/<branch>` is moved only to a
 * branch head the reconciler accepted, so the mirror served over
 * `/git/channels.git` never goes back either.
 */
export const MIRROR_NAME = 'channels.git';

export function mirrorRoot(stateDir: string): string {
  return join(stateDir, 'mirror');
}

export function mirrorGitdir(stateDir: string): string {
  return join(mirrorRoot(stateDir), MIRROR_NAME);
}

export function fetchedRef(branch: string): string {
  return `refs/remotes/origin/${branch}`;
}

export async function ensureMirror(gitdir: string, branch: string): Promise<void> {
  if (fs.existsSync(join(gitdir, 'HEAD'))) return;
  await mkdir(gitdir, { recursive: true });
  await git.init({ fs, gitdir, bare: true, defaultBranch: branch });
}

/** Point the mirror's branch at an accepted commit. */
export async function setServedRef(gitdir: string, branch: string, commit: string): Promise<void> {
  await git.writeRef({ fs, gitdir, ref: `refs/heads/${branch}`, value: commit, force: true });
}

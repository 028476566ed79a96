import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import type { RepoCommit, RepoSpec } from '../fixtures/channel-repos.js';

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Ogygia Test',
  GIT_AUTHOR_EMAIL: 'test@ogygia.invalid',
  GIT_COMMITTER_NAME: 'Ogygia Test',
  GIT_COMMITTER_EMAIL: 'test@ogygia.invalid',
};

export async function gitIn(dir: string, ...args: string[]): Promise<string> {
  const r = await execa('git', ['-C', dir, ...args], { env: GIT_ENV });
  return String(r.stdout).trim();
}

export async function applyCommit(dir: string, c: RepoCommit): Promise<string> {
  for (const [path, content] of Object.entries(c.files)) {
    const full = join(dir, path);
    if (content === null) {
      await rm(full, { force: true });
    } else {
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, content);
    }
  }
  await gitIn(dir, 'add', '-A');
  await gitIn(dir, 'commit', '-q', '--allow-empty', '-m', c.message);
  return gitIn(dir, 'rev-parse', 'HEAD');
}

/** Build a real git repository from a spec: commits on main, then the `pr` branch checked out. */
export async function buildChannelRepo(dir: string, spec: RepoSpec): Promise<void> {
  await mkdir(dir, { recursive: true });
  await execa('git', ['init', '-q', '-b', 'main', dir]);
  for (const c of spec.main) await applyCommit(dir, c);
  if (spec.pr) {
    await gitIn(dir, 'checkout', '-q', '-b', 'pr');
    for (const c of spec.pr) await applyCommit(dir, c);
  }
}

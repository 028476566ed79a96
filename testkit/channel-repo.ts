import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';

/** Temporary channels repositories made with the real git CLI. */

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Ogygia Test',
  GIT_AUTHOR_EMAIL: 'test@ogygia.invalid',
  GIT_COMMITTER_NAME: 'Ogygia Test',
  GIT_COMMITTER_EMAIL: 'test@ogygia.invalid',
};

/** Run git in `dir` with a fixed test identity; returns trimmed stdout. */
export async function git(dir: string, ...args: string[]): Promise<string> {
  const r = await execa('git', ['-C', dir, ...args], { env: GIT_ENV });
  return String(r.stdout).trim();
}

/** One commit: files to write (string) or delete (null). */
export interface RepoCommit {
  readonly message: string;
  readonly files: Readonly<Record<string, string | null>>;
}

/** A repository: commits on `main`, then (optionally) a pull-request branch `pr` on top. */
export interface RepoSpec {
  readonly main: readonly RepoCommit[];
  readonly pr?: readonly RepoCommit[];
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
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '-q', '--allow-empty', '-m', c.message);
  return git(dir, 'rev-parse', 'HEAD');
}

/** Build a real git repository from a spec: commits on main, then the `pr` branch checked out. */
export async function buildChannelRepo(dir: string, spec: RepoSpec): Promise<void> {
  await mkdir(dir, { recursive: true });
  await execa('git', ['init', '-q', '-b', 'main', dir]);
  for (const c of spec.main) await applyCommit(dir, c);
  if (spec.pr) {
    await git(dir, 'checkout', '-q', '-b', 'pr');
    for (const c of spec.pr) await applyCommit(dir, c);
  }
}

/**
 * A channels repository as a reconciler follows it: a bare "server"
 * repository at `<root>/remote/channels.git` and a work clone that commits
 * channel files and pushes with the git CLI (to `pushUrl` when given, e.g.
 * the same repository over smart HTTP).
 */
export interface ChannelsRepo {
  readonly bare: string;
  readonly work: string;
  /** Write channels/<channel>.json, commit, push; returns the new commit. */
  publish(channel: string, text: string, message?: string): Promise<string>;
  /** Reset the work branch to `ref` and force-push it (a rewind). */
  forcePush(ref: string): Promise<void>;
  head(): Promise<string>;
}

export async function createChannelsRepo(root: string, pushUrl?: string): Promise<ChannelsRepo> {
  const bare = join(root, 'remote', 'channels.git');
  const work = join(root, 'work');
  await mkdir(join(root, 'remote'), { recursive: true });
  await execa('git', ['init', '-q', '--bare', '-b', 'main', bare]);
  await execa('git', ['init', '-q', '-b', 'main', work]);
  await git(work, 'remote', 'add', 'origin', pushUrl ?? bare);
  await mkdir(join(work, 'channels'), { recursive: true });
  return {
    bare,
    work,
    async publish(channel, text, message) {
      await writeFile(join(work, 'channels', `${channel}.json`), text);
      await git(work, 'add', '-A');
      await git(work, 'commit', '-q', '-m', message ?? `publish ${channel}`);
      await git(work, 'push', '-q', 'origin', 'HEAD:main');
      return git(work, 'rev-parse', 'HEAD');
    },
    async forcePush(ref) {
      await git(work, 'reset', '-q', '--hard', ref);
      await git(work, 'push', '-q', '--force', 'origin', 'HEAD:main');
    },
    head: () => git(work, 'rev-parse', 'HEAD'),
  };
}

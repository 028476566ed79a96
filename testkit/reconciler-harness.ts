import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { reconcilerConfigSchema, toReconcilerConfig } from '../reconciler/config.js';
import { startReconciler, type RunningReconciler } from '../reconciler/main.js';
import { createLogger } from '../core/log.js';
import { testPublicKey } from './fixture-releases.js';

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'test', GIT_AUTHOR_EMAIL: 't@t.invalid', GIT_COMMITTER_NAME: 'test', GIT_COMMITTER_EMAIL: 't@t.invalid' };

export async function git(cwd: string, ...args: string[]): Promise<string> {
  const r = await execa('git', args, { cwd, env: GIT_ENV });
  return String(r.stdout).trim();
}

/**
 * A channels repository: a bare "server" repository at `<root>/remote/channels.git`
 * and a work clone that commits channel files and pushes with the git CLI.
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

export interface RecOptions {
  source: string;
  stateDir: string;
  poll?: number;
  extra?: Record<string, unknown>;
  logs?: string[];
}

/** The reconciler in this process on a random loopback port, trusting the test-only keys. */
export async function startTestReconciler(o: RecOptions): Promise<RunningReconciler> {
  const raw = {
    source: o.source,
    state_dir: o.stateDir,
    listen: '127.0.0.1:0',
    poll_interval_seconds: o.poll ?? 3600,
    poll_jitter_seconds: 0,
    trust: { keys: [testPublicKey('test-only-ops-1'), testPublicKey('test-only-ops-2')], threshold: 1 },
    ...o.extra,
  };
  const cfg = toReconcilerConfig(reconcilerConfigSchema.parse(raw));
  const logs = o.logs;
  const log = createLogger('reconciler', logs ? (l) => logs.push(l) : () => {});
  return startReconciler(cfg, { log });
}

export { eventually } from './eventually.js';

export async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: any; headers: Headers }> {
  const r = await fetch(url, init);
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined, headers: r.headers };
}

export async function servedRevision(base: string, channel: string): Promise<number | undefined> {
  const r = await getJson(`${base}/v1/channels/${channel}`);
  return r.status === 200 ? (r.body.document.release.revision as number) : undefined;
}

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitForPort } from '../../testkit/ports.js';
import { startProcess, type Started } from '../../testkit/processes.js';
import { makeTempDir } from '../../testkit/tmp.js';
import { createChannelsRepo, type ChannelsRepo } from '../../testkit/channel-repo.js';
import { testKey, testPublicKey } from '../../testkit/keys.js';
import { ReleaseChain, type Built, type ReleaseRequest } from '../../testkit/release-chain.js';

/** Shared setup for the reconciler benchmarks: a local channels repo and `ogygia reconciler` as its own process. */
export interface BenchReconciler {
  readonly url: string;
  readonly port: number;
  readonly proc: Started;
  readonly repo: ChannelsRepo;
  readonly dir: string;
  head: Built;
  /** Publish the next revision (`req`: a rollout, targets, … as in testkit/release-chain.ts). */
  publishNext(req?: ReleaseRequest): Promise<Built>;
  rssKiB(pid?: number): Promise<number>;
  stop(): Promise<void>;
}

/** The installed entry point, as an operator runs it (it imports dist/cli/entry.js). */
const ENTRY = fileURLToPath(new URL('../../bin/ogygia', import.meta.url));

export async function rssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

/** `cpu` pins the server to one core with taskset (the load tool gets the other). */
/** `etcd`: keep reports in that etcd (endpoint URL) under `namespace`, as replicas do; `repo`: serve this channels repository (a replica of another). */
export async function startBenchReconciler(opts: { cpu?: number; maxWaiters?: number; etcd?: string; repo?: ChannelsRepo } = {}): Promise<BenchReconciler> {
  const tmp = await makeTempDir('ogygia-bench-rec-');
  const repo = opts.repo ?? (await createChannelsRepo(tmp.path));
  const key = testKey('test-only-ops-1');
  const chain = new ReleaseChain('prod', [key]);
  let head = chain.next();
  if (!opts.repo) await repo.publish('prod', head.text);
  const port = await freePort();
  const cfg = [
    `source = ${JSON.stringify(repo.bare)}`,
    `listen = "127.0.0.1:${port}"`,
    `state_dir = ${JSON.stringify(join(tmp.path, 'state'))}`,
    'poll_interval_seconds = 3600',
    '[trust]',
    `keys = [${JSON.stringify(testPublicKey('test-only-ops-1'))}]`,
    '[long_poll]',
    `max_waiters = ${opts.maxWaiters ?? 50000}`,
    ...(opts.etcd ? ['[etcd]', `endpoints = [${JSON.stringify(opts.etcd)}]`, 'namespace = "/ogygia-bench"'] : []),
  ].join('\n');
  await writeFile(join(tmp.path, 'reconciler.toml'), cfg + '\n');
  const args = [ENTRY, 'reconciler', '--config', join(tmp.path, 'reconciler.toml')];
  const proc =
    opts.cpu === undefined
      ? startProcess(process.execPath, args, { log: join(tmp.path, 'reconciler.log'), env: { ...process.env, OGYGIA_LOG: 'quiet' } })
      : startProcess('taskset', ['-c', String(opts.cpu), process.execPath, ...args], { log: join(tmp.path, 'reconciler.log'), env: { ...process.env, OGYGIA_LOG: 'quiet' } });
  try {
    await waitForPort(port);
  } catch (e) {
    await proc.stop();
    const log = await readFile(join(tmp.path, 'reconciler.log'), 'utf8').catch(() => '');
    await tmp.cleanup();
    throw new Error(`the reconciler did not start: ${(e as Error).message}; its log ends:\n${log.slice(-2000)}`, { cause: e });
  }
  const self: BenchReconciler = {
    url: `http://127.0.0.1:${port}`,
    port,
    proc,
    repo,
    dir: tmp.path,
    head,
    async publishNext(req) {
      head = chain.next(req);
      self.head = head;
      await repo.publish('prod', head.text);
      return head;
    },
    rssKiB: (pid = proc.pid) => rssKiB(pid),
    async stop() {
      await proc.stop();
      await tmp.cleanup();
    },
  };
  return self;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** The peer of the reconciler benchmarks: bench/lib/bare-fastify.mjs as its own node process (pinned to core `cpu` when given, like the reconciler). */
export async function startBareFastify(opts: { logDir: string; cpu?: number }): Promise<{ readonly url: string; readonly proc: Started; stop(): Promise<void> }> {
  const port = await freePort();
  const args = [process.execPath, fileURLToPath(new URL('./bare-fastify.mjs', import.meta.url)), String(port)];
  const log = { log: join(opts.logDir, 'bare.log') };
  const proc = opts.cpu === undefined ? startProcess(args[0]!, args.slice(1), log) : startProcess('taskset', ['-c', String(opts.cpu), ...args], log);
  try {
    await waitForPort(port);
  } catch (e) {
    await proc.stop();
    throw e;
  }
  return { url: `http://127.0.0.1:${port}`, proc, stop: () => proc.stop() };
}

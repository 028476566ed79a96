import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPublicKey } from '../core/keys.js';
import type { HostRow } from '../core/wire/host-row.js';
import { makeHost, makeWorld, publishClosures, type Host, type World } from '../testkit/agent-world.js';
import { serveBinaryCache, type HttpBinaryCache } from '../testkit/binary-cache-http.js';
import { startEtcd, type EtcdServer } from '../testkit/etcd.js';
import { eventually } from '../testkit/eventually.js';
import { freePort, waitForPort } from '../testkit/ports.js';
import { startProcess, type Started } from '../testkit/processes.js';
import { ReleaseChain } from '../testkit/release-chain.js';

// Faults while a fleet runs, all real: the reconciler SIGKILLed and restarted,
// etcd down during an apply, the binary cache down during `nix copy`, and a
// full disk under the agent's state. Each ends with a consistent system and an
// accurate report.
const BIN = join(import.meta.dirname, '..', 'bin', 'ogygia');

const until = <T>(what: string, f: () => Promise<T | undefined>, ms = 90_000): Promise<T> => eventually(f, what, ms, 200);

describe('faults', () => {
  let world: World;
  let etcd: EtcdServer;
  let cache: HttpBinaryCache;
  let cachePort: number;
  let reconciler: Started;
  let recPort: number;
  let recConfig: string;
  const agents: Started[] = [];
  let hosts: Host[];
  let chain: ReleaseChain;
  let closures: string[];

  const startReconciler = async () => {
    reconciler = startProcess(process.execPath, [BIN, 'reconciler', '--config', recConfig], { log: join(world.dir, 'reconciler.log') });
    await waitForPort(recPort);
  };
  const view = async (): Promise<HostRow[]> => ((await (await fetch(`http://127.0.0.1:${recPort}/v1/hosts`)).json()) as { hosts: HostRow[] }).hosts;
  const fleetAt = (rev: number, state = 'in-sync') =>
    until(`both hosts ${state} at revision ${rev}`, async () => {
      const v = await view();
      return v.length === 2 && v.every((h) => h.desired?.revision === rev && h.state === state && (state !== 'in-sync' || h.applied.revision === rev)) ? v : undefined;
    });
  const publish = async (storePath: string) => world.commit(chain.next({ targets: { '*': storePath }, substituters: [cache.url] }).text);
  const etcdGet = async (key: string) =>
    String((await execa('etcdctl', ['--endpoints', etcd.endpoint, 'get', '--print-value-only', key], { env: { ...process.env, ETCDCTL_API: '3' }, reject: false })).stdout).trim();

  beforeAll(async () => {
    world = await makeWorld();
    chain = new ReleaseChain('prod', [world.releaseKey]);
    closures = await publishClosures(world, [{ name: 'f1' }, { name: 'f2' }, { name: 'f3' }, { name: 'f4' }]);
    cachePort = await freePort();
    cache = await serveBinaryCache(world.cacheUrl.slice('file://'.length), cachePort);
    etcd = await startEtcd();
    recPort = await freePort();
    recConfig = join(world.dir, 'reconciler.toml');
    await writeFile(
      recConfig,
      `source = "${world.repo}"\nlisten = "127.0.0.1:${recPort}"\nstate_dir = "${join(world.dir, 'reconciler-state')}"\npoll_interval_seconds = 2\npoll_jitter_seconds = 0\n` +
        `[trust]\nkeys = ["${formatPublicKey(world.releaseKey.publicKey)}"]\n`,
    );
    await publish(closures[0]!);
    await startReconciler();
    hosts = [await makeHost(world, 'web01'), await makeHost(world, 'web02')];
    for (const h of hosts) {
      await h.writeConfig({
        source: `http://127.0.0.1:${recPort}`,
        top: 'wait_seconds = 5',
        toml: `[etcd]\nendpoints = ["${etcd.endpoint}"]\nnamespace = "/nixos/versions"\ntimeout_seconds = 2\n`,
      });
      agents.push(h.start(join(world.dir, `agent-${h.name}.log`)));
    }
    await fleetAt(1);
  }, 240_000);

  afterAll(async () => {
    for (const a of agents) await a.stop().catch(() => {});
    await reconciler?.stop().catch(() => {});
    await cache?.stop().catch(() => {});
    await etcd?.stop().catch(() => {});
    await world?.cleanup();
  });

  it('the reconciler is SIGKILLed mid-fleet: agents keep running, a release pushed meanwhile is applied after its restart', async () => {
    await reconciler.stop('SIGKILL');
    await publish(closures[1]!);
    await new Promise((r) => setTimeout(r, 3000));
    for (const a of agents) expect(() => process.kill(a.pid, 0)).not.toThrow();
    for (const h of hosts) expect(await h.currentSystem()).toBe(closures[0]);
    await startReconciler();
    const v = await fleetAt(2);
    expect(v.map((h) => h.host)).toEqual(['web01', 'web02']);
    for (const h of hosts) expect(await h.currentSystem()).toBe(closures[1]);
  });

  it('etcd is down during an apply: the apply goes on, the reconciler report is accurate, etcd catches up when back', async () => {
    await etcd.kill();
    await publish(closures[2]!);
    await fleetAt(3);
    for (const h of hosts) expect(await h.currentSystem()).toBe(closures[2]);
    await etcd.restart();
    const rev = (await readFile(join(closures[2]!, 'sw/share/ogygia/build-revision'), 'utf8')).trim().slice(0, 12);
    for (const h of hosts) await until(`etcd to hold ${h.name}'s new revision`, async () => ((await etcdGet(`/nixos/versions/${h.name}/current`)) === rev ? true : undefined));
  });

  it('the cache is down during nix copy: nothing changes, the failure is reported, and the release applies once the cache is back', async () => {
    await cache.stop();
    await publish(closures[3]!);
    const failed = await fleetAt(4, 'failed');
    for (const h of failed) expect(h.error?.code).toMatch(/NixCopyError|StepTimeoutError/);
    for (const h of hosts) {
      expect(await h.currentSystem()).toBe(closures[2]);
      expect(await h.profileTarget()).toBe(closures[2]);
    }
    cache = await serveBinaryCache(world.cacheUrl.slice('file://'.length), cachePort);
    await fleetAt(4);
    for (const h of hosts) expect(await h.currentSystem()).toBe(closures[3]);
  });
});

describe('disk full under the agent state directory (a 64 KiB tmpfs)', () => {
  let world: World;
  let host: Host;
  let mounted = '';

  beforeAll(async () => {
    world = await makeWorld();
    host = await makeHost(world, 'db01');
  }, 120_000);
  afterAll(async () => {
    if (mounted) await execa('umount', [mounted], { reject: false });
    await world?.cleanup();
  });

  it('refuses to apply without durable state, reports it, and applies once space is freed', async () => {
    const [closure] = await publishClosures(world, [{ name: 'full1' }]);
    await world.commit(new ReleaseChain('prod', [world.releaseKey]).next({ targets: { '*': closure! } }).text);
    await host.writeConfig();
    mounted = host.stateDir;
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mounted]);
    // Fill the filesystem so the first state write fails with ENOSPC.
    await execa('dd', ['if=/dev/zero', `of=${join(mounted, 'filler')}`, 'bs=4k', 'count=64'], { reject: false });
    const full = await host.runOnce();
    expect(full.exitCode, full.stderr).toBe(31);
    expect(full.out).toMatchObject({ outcome: 'failed', error: { code: 'StateWriteError' } });
    expect(full.stderr).toContain('ENOSPC');
    expect(await host.profileTarget()).toBeNull();
    expect(await host.currentSystem()).toBeNull();
    await execa('rm', ['-f', join(mounted, 'filler')]);
    const ok = await host.runOnce();
    expect(ok.exitCode, ok.stderr).toBe(10);
    expect(await host.currentSystem()).toBe(closure);
    const state = await host.state();
    expect(state.phase).toBe('applied');
  });
});

import { createServer as createNetServer, type Socket } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEtcdStore } from '../core/fleet/etcd-store.js';
import { openZooKeeperStore } from '../core/fleet/zookeeper-store.js';
import type { HostsResponse } from '../core/wire/host-row.js';
import type { Report } from '../core/wire/report.js';
import type { RunningReconciler } from '../reconciler/main.js';
import { createChannelsRepo } from '../testkit/channel-repo.js';
import { startEtcd, type EtcdServer } from '../testkit/etcd.js';
import { fleetDetail, revs } from '../testkit/fleet-samples.js';
import { testKey } from '../testkit/keys.js';
import { freePort } from '../testkit/ports.js';
import { requireProgram } from '../testkit/processes.js';
import { getJson, startTestReconciler } from '../testkit/reconciler-harness.js';
import { ReleaseChain, type Built } from '../testkit/release-chain.js';
import { makeStatusRoot } from '../testkit/status-root.js';
import { makeTempDir } from '../testkit/tmp.js';
import { startZooKeeper, type ZooKeeperServer } from '../testkit/zookeeper.js';

// Golden output of the real built CLI (`./bin/ogygia status`) against a
// temporary OGYGIA_ROOT, with real etcd, real ZooKeeper and a real
// reconciler (its HTTP server, report store and git mirror) on 127.0.0.1.

const REPO = join(import.meta.dirname, '..');
const A = 'a1b2c3d4e5f6a7b8c9d0';
const G = 'g7h8i9j0k1l2m3n4';
const dashes = (n: number) => '-'.repeat(n);
const cleanups: Array<() => Promise<void>> = [];
let tmp: string;
let rootFull: string; // every revision present
let rootPartial: string; // booted missing

async function cli(args: string[], env: Record<string, string>) {
  const t0 = Date.now();
  const r = await execa(join(REPO, 'bin/ogygia'), args, {
    reject: false,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmp, ...env },
    extendEnv: false,
    timeout: 60_000,
  });
  return { code: r.exitCode, out: String(r.stdout), err: String(r.stderr), ms: Date.now() - t0 };
}

async function config(name: string, text: string): Promise<string> {
  const file = join(tmp, name);
  await writeFile(file, text);
  return file;
}

beforeAll(async () => {
  await execa('npm', ['run', '--silent', 'build'], { cwd: REPO });
  const d = await makeTempDir('ogygia-status-test-');
  tmp = d.path;
  cleanups.push(d.cleanup);
  const full = await makeStatusRoot({ current: A, booted: A, nextboot: G });
  const partial = await makeStatusRoot({ current: 'ffffffffffffffff', nextboot: 'eeeeeeeeeeee' });
  cleanups.push(full.cleanup, partial.cleanup);
  rootFull = full.path;
  rootPartial = partial.path;
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('ogygia status without a fleet', () => {
  it('shows local data only when the config is not found (README)', async () => {
    const r = await cli(['status'], { OGYGIA_ROOT: rootFull, OGYGIA_CONFIG: join(tmp, 'missing.toml'), OGYGIA_HOSTNAME: 'hostname' });
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        'Ogygia config not found; showing local data only.',
        'Host      ⚡ current    🥾 booted     🔜 next boot',
        dashes(50),
        'hostname  a1b2c3d4e5f6  a1b2c3d4e5f6  g7h8i9j0k1l2',
      ].join('\n'),
    );
  });

  it('reads the default config path under OGYGIA_ROOT and shows unknown for a missing revision', async () => {
    const r = await cli(['status'], { OGYGIA_ROOT: rootPartial, OGYGIA_HOSTNAME: 'web09' });
    expect(r.out).toBe(
      ['Ogygia config not found; showing local data only.', 'Host   ⚡ current    🥾 booted  🔜 next boot', dashes(44), 'web09  ffffffffffff  unknown    eeeeeeeeeeee'].join('\n'),
    );
  });

  it('says so when the config names no store', async () => {
    const file = await config('nostore.toml', '[ogygia]\ndomain = "example.com"\n');
    const r = await cli(['status'], { OGYGIA_ROOT: rootFull, OGYGIA_CONFIG: file, OGYGIA_HOSTNAME: 'web01.example.com' });
    expect(r.out.split('\n').slice(0, 2)).toEqual([`No fleet store configured in ${file}; showing local data only.`, 'Host   ⚡ current    🥾 booted     🔜 next boot']);
    expect(r.out.split('\n')[3]).toBe('web01  a1b2c3d4e5f6  a1b2c3d4e5f6  g7h8i9j0k1l2');
  });

  it('stops on a bad config, naming every wrong key', async () => {
    const file = await config('bad.toml', '[ogygia.etcd]\nendpoints = ["etcd1:2379"]\ntimeout_seconds = "ten"\n');
    const r = await cli(['status'], { OGYGIA_ROOT: rootFull, OGYGIA_CONFIG: file, OGYGIA_HOSTNAME: 'h' });
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain('[ConfigError]');
    expect(r.err).toContain('  ogygia.etcd.endpoints.0: must be an http:// or https:// URL');
    expect(r.err).toMatch(/ {2}ogygia\.etcd\.timeout_seconds: /);
  });

  it('fails `ogygia report` clearly when no store is configured', async () => {
    const r = await cli(['report'], { OGYGIA_ROOT: rootFull, OGYGIA_CONFIG: join(tmp, 'missing.toml'), OGYGIA_HOSTNAME: 'h' });
    expect(r.code).toBe(1);
    expect(r.err).toContain('[NoFleetStoreError]');
    expect(r.err).toContain('not found');
  });
});

describe('ogygia status with etcd', () => {
  let etcd: EtcdServer;
  let file: string;
  beforeAll(async () => {
    etcd = await startEtcd();
    file = await config('etcd.toml', `[ogygia]\ndomain = "example.com"\n\n[ogygia.etcd]\nendpoints = ["${etcd.endpoint}"]\ntimeout_seconds = 5\n`);
    const store = openEtcdStore({ endpoints: [etcd.endpoint], namespace: '/nixos/versions', timeoutSeconds: 5 });
    await store.publish('web02.dc1.example.com', revs('b2c3d4e5f6a1b2', 'b2c3d4e5f6a1', 'unknown'));
    // The detail an agent writes to <host>/agent (core/wire/fleet-detail.ts).
    await store.publish('db01.dc2.example.com', revs('c3d4e5f6a1b2', 'c3d4e5f6a1b2', 'c3d4e5f6a1b2'), fleetDetail());
    // What the store holds for this host is older than its filesystem: the local row wins.
    await store.publish('web01.dc1.example.com', revs('000000000000', '000000000000', '000000000000'));
    await store.close();
    const raw = new Etcd3({ hosts: etcd.endpoint });
    await raw.put('/nixos/versions/app03.dc2.example.com/current').value('d4e5f6a1b2c3'); // booted and nextboot missing
    raw.close();
  });
  afterAll(async () => {
    await etcd?.stop();
  });

  it('shows every host, local first, domain trimmed, missing keys unknown', async () => {
    const r = await cli(['status'], { OGYGIA_ROOT: rootFull, OGYGIA_CONFIG: file, OGYGIA_HOSTNAME: 'web01.dc1.example.com' });
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        `etcd fleet state (/nixos/versions via ${file}):`,
        'Host                 ⚡ current    🥾 booted     🔜 next boot',
        dashes(61),
        '* web01.dc1 (local)  a1b2c3d4e5f6  a1b2c3d4e5f6  g7h8i9j0k1l2',
        'app03.dc2            d4e5f6a1b2c3  unknown       unknown',
        'db01.dc2             c3d4e5f6a1b2  c3d4e5f6a1b2  c3d4e5f6a1b2',
        'web02.dc1            b2c3d4e5f6a1  b2c3d4e5f6a1  unknown',
      ].join('\n'),
    );
  });

  it('shows full names without a domain, and matches the local host by its short name', async () => {
    const nodomain = await config('etcd-nodomain.toml', `[ogygia.etcd]\nendpoints = ["${etcd.endpoint}"]\n`);
    const r = await cli(['status'], { OGYGIA_ROOT: rootFull, OGYGIA_CONFIG: nodomain, OGYGIA_HOSTNAME: 'web01' });
    expect(r.out).toBe(
      [
        `etcd fleet state (/nixos/versions via ${nodomain}):`,
        'Host                   ⚡ current    🥾 booted     🔜 next boot',
        dashes(63),
        '* web01 (local)        a1b2c3d4e5f6  a1b2c3d4e5f6  g7h8i9j0k1l2',
        'app03.dc2.example.com  d4e5f6a1b2c3  unknown       unknown',
        'db01.dc2.example.com   c3d4e5f6a1b2  c3d4e5f6a1b2  c3d4e5f6a1b2',
        'web02.dc1.example.com  b2c3d4e5f6a1  b2c3d4e5f6a1  unknown',
      ].join('\n'),
    );
  });

  it('keeps long host names aligned', async () => {
    const long = 'a-very-long-host-name-for-the-storage-cluster-number-0001.rack42';
    const ns = '/long/versions';
    const store = openEtcdStore({ endpoints: [etcd.endpoint], namespace: ns, timeoutSeconds: 5 });
    await store.publish(`${long}.example.com`, revs('abc', 'abc', 'abcdef0123456789'));
    await store.close();
    const f = await config('etcd-long.toml', `[ogygia]\ndomain = "example.com"\n[ogygia.etcd]\nendpoints = ["${etcd.endpoint}"]\nnamespace = "${ns}"\n`);
    const r = await cli(['status'], { OGYGIA_ROOT: rootFull, OGYGIA_CONFIG: f, OGYGIA_HOSTNAME: 'x.example.com' });
    const pad = ' '.repeat(long.length - '* x (local)'.length);
    expect(r.out).toBe(
      [
        `etcd fleet state (${ns} via ${f}):`,
        `Host${' '.repeat(long.length - 4)}  ⚡ current    🥾 booted     🔜 next boot`,
        dashes(long.length + 42),
        `* x (local)${pad}  a1b2c3d4e5f6  a1b2c3d4e5f6  g7h8i9j0k1l2`,
        `${long}  abc           abc           abcdef012345`,
      ].join('\n'),
    );
  });

  it('prints every line of a large fleet through a pipe', async () => {
    const ns = '/big/versions';
    const raw = new Etcd3({ hosts: etcd.endpoint });
    const n = 3000;
    for (let i = 0; i < n; i += 250) {
      await Promise.all(Array.from({ length: Math.min(250, n - i) }, (_, j) => raw.put(`${ns}/host${String(i + j).padStart(5, '0')}/current`).value('abcdef012345')));
    }
    raw.close();
    const f = await config('etcd-big.toml', `[ogygia.etcd]\nendpoints = ["${etcd.endpoint}"]\nnamespace = "${ns}"\n`);
    const r = await cli(['status'], { OGYGIA_ROOT: rootFull, OGYGIA_CONFIG: f, OGYGIA_HOSTNAME: 'web01' });
    const lines = r.out.split('\n');
    expect(lines).toHaveLength(n + 4);
    expect(lines.at(-1)).toBe('host02999        abcdef012345  unknown       unknown');
  });

  it('adds the agent columns with --wide', async () => {
    const r = await cli(['status', '--wide'], { OGYGIA_ROOT: rootFull, OGYGIA_CONFIG: file, OGYGIA_HOSTNAME: 'web01.dc1.example.com' });
    expect(r.out.split('\n').slice(1)).toEqual([
      'Host                 ⚡ current    🥾 booted     🔜 next boot  Channel  Revision  State    Last seen',
      dashes(61 + 2 + 7 + 2 + 8 + 2 + 7 + 2 + 20),
      '* web01.dc1 (local)  a1b2c3d4e5f6  a1b2c3d4e5f6  g7h8i9j0k1l2  -        -         -        -',
      'app03.dc2            d4e5f6a1b2c3  unknown       unknown       -        -         -        -',
      'db01.dc2             c3d4e5f6a1b2  c3d4e5f6a1b2  c3d4e5f6a1b2  prod     42        applied  2026-11-21T10:00:00Z',
      'web02.dc1            b2c3d4e5f6a1  b2c3d4e5f6a1  unknown       -        -         -        -',
    ]);
  });

  it('gives the same data with --json', async () => {
    const r = await cli(['status', '--json'], { OGYGIA_ROOT: rootFull, OGYGIA_CONFIG: file, OGYGIA_HOSTNAME: 'web01.dc1.example.com' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      source: 'etcd',
      config: file,
      location: '/nixos/versions',
      fallback: false,
      hosts: [
        { host: 'web01.dc1.example.com', name: 'web01.dc1', local: true, current: 'a1b2c3d4e5f6', booted: 'a1b2c3d4e5f6', nextboot: 'g7h8i9j0k1l2' },
        { host: 'app03.dc2.example.com', name: 'app03.dc2', local: false, current: 'd4e5f6a1b2c3', booted: 'unknown', nextboot: 'unknown' },
        {
          host: 'db01.dc2.example.com',
          name: 'db01.dc2',
          local: false,
          current: 'c3d4e5f6a1b2',
          booted: 'c3d4e5f6a1b2',
          nextboot: 'c3d4e5f6a1b2',
          channel: 'prod',
          revision: '42',
          state: 'applied',
          lastSeen: '2026-11-21T10:00:00Z',
        },
        { host: 'web02.dc1.example.com', name: 'web02.dc1', local: false, current: 'b2c3d4e5f6a1', booted: 'b2c3d4e5f6a1', nextboot: 'unknown' },
      ],
    });
  });

  it('publishes this host with `ogygia report`, which status then shows', async () => {
    const ns = '/report/versions';
    const f = await config('etcd-report.toml', `[ogygia.etcd]\nendpoints = ["${etcd.endpoint}"]\nnamespace = "${ns}"\n`);
    const r = await cli(['report'], { OGYGIA_ROOT: rootPartial, OGYGIA_CONFIG: f, OGYGIA_HOSTNAME: 'web07.example.com' });
    expect(r.code).toBe(0);
    expect(r.err).toContain('report: published web07.example.com');
    const raw = new Etcd3({ hosts: etcd.endpoint });
    expect(await raw.getAll().prefix(`${ns}/`).strings()).toEqual({
      [`${ns}/web07.example.com/current`]: 'ffffffffffff',
      [`${ns}/web07.example.com/booted`]: 'unknown',
      [`${ns}/web07.example.com/nextboot`]: 'eeeeeeeeeeee',
    });
    raw.close();
    const s = await cli(['status'], { OGYGIA_ROOT: rootFull, OGYGIA_CONFIG: f, OGYGIA_HOSTNAME: 'other' });
    expect(s.out.split('\n').at(-1)).toBe('web07.example.com  ffffffffffff  unknown       eeeeeeeeeeee');
  });
});

describe('ogygia status when the store is down', () => {
  it('falls back to local data with the README message, within timeout_seconds', async () => {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const file = await config('etcd-down.toml', `[ogygia.etcd]\nendpoints = ["${endpoint}"]\nnamespace = "/nixos/versions"\ntimeout_seconds = 1\n`);
    const r = await cli(['status'], { OGYGIA_ROOT: rootFull, OGYGIA_CONFIG: file, OGYGIA_HOSTNAME: 'web01' });
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        `etcd fleet state (/nixos/versions via ${file}):`,
        `Failed to read etcd from ${file}: failed to connect to etcd at ["${endpoint}"]. Check that the endpoints are reachable and the etcd service is running. Connection timeout: 1s. Showing local data only.`,
        'Host             ⚡ current    🥾 booted     🔜 next boot',
        dashes(57),
        '* web01 (local)  a1b2c3d4e5f6  a1b2c3d4e5f6  g7h8i9j0k1l2',
      ].join('\n'),
    );
    // 1 s timeout plus Node start-up; never the client's own 30 s dial timeout or retries.
    expect(r.ms).toBeLessThan(4000);
  });

  it('gives up on a store that accepts connections but never answers, within timeout_seconds', async () => {
    const sockets: Socket[] = [];
    const silent = createNetServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const addr = silent.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    try {
      const etcdFile = await config('etcd-silent.toml', `[ogygia.etcd]\nendpoints = ["http://127.0.0.1:${port}"]\ntimeout_seconds = 2\n`);
      const e = await cli(['status'], { OGYGIA_ROOT: rootFull, OGYGIA_CONFIG: etcdFile, OGYGIA_HOSTNAME: 'web01' });
      expect(e.out.split('\n')[1]).toContain('Connection timeout: 2s. Showing local data only.');
      expect(e.ms).toBeGreaterThanOrEqual(2000);
      expect(e.ms).toBeLessThan(5000);
      const zkFile = await config('zk-silent.toml', `[ogygia.zookeeper]\nendpoints = ["127.0.0.1:${port}"]\ntimeout_seconds = 2\n`);
      const z = await cli(['status'], { OGYGIA_ROOT: rootFull, OGYGIA_CONFIG: zkFile, OGYGIA_HOSTNAME: 'web01' });
      expect(z.out.split('\n')[1]).toContain('Connection timeout: 2s. Showing local data only.');
      expect(z.ms).toBeLessThan(5000);
      const rcFile = await config('rc-silent.toml', `[ogygia.reconciler]\nurl = "http://127.0.0.1:${port}"\ntimeout_seconds = 2\n`);
      const c = await cli(['status'], { OGYGIA_ROOT: rootFull, OGYGIA_CONFIG: rcFile, OGYGIA_HOSTNAME: 'web01' });
      expect(c.out.split('\n')[1]).toContain('Connection timeout: 2s. Showing local data only.');
      expect(c.ms).toBeLessThan(5000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('falls back the same way for ZooKeeper and the reconciler', async () => {
    const port = await freePort();
    const zkFile = await config('zk-down.toml', `[ogygia.zookeeper]\nenable = true\nendpoints = ["127.0.0.1:${port}"]\ntimeout_seconds = 1\n`);
    const z = await cli(['status'], { OGYGIA_ROOT: rootFull, OGYGIA_CONFIG: zkFile, OGYGIA_HOSTNAME: 'web01' });
    expect(z.out.split('\n').slice(0, 2)).toEqual([
      `ZooKeeper fleet state (/nixos/versions via ${zkFile}):`,
      `Failed to read ZooKeeper from ${zkFile}: failed to connect to ZooKeeper at ["127.0.0.1:${port}"]. Check that the endpoints are reachable and the ZooKeeper service is running. Connection timeout: 1s. Showing local data only.`,
    ]);
    expect(z.ms).toBeLessThan(4000);
    const rcFile = await config('rc-down.toml', `[ogygia.reconciler]\nurl = "http://127.0.0.1:${port}"\ntimeout_seconds = 1\n`);
    const c = await cli(['status', '--json'], { OGYGIA_ROOT: rootFull, OGYGIA_CONFIG: rcFile, OGYGIA_HOSTNAME: 'web01' });
    const j = JSON.parse(c.out);
    expect(j).toMatchObject({ source: 'reconciler', fallback: true, error: { code: 'FleetStoreUnavailableError' } });
    expect(j.hosts).toHaveLength(1);
    expect(c.err).toContain(`Failed to read reconciler from ${rcFile}: failed to connect to the reconciler at "http://127.0.0.1:${port}".`);
  });
});

describe('ogygia status with ZooKeeper', () => {
  let zk: ZooKeeperServer;
  beforeAll(async () => {
    zk = await startZooKeeper();
  });
  afterAll(async () => {
    await zk?.stop();
  });

  it('shows the fleet from ZooKeeper, and report publishes to it', async () => {
    const file = await config('zk.toml', `[ogygia]\ndomain = "example.com"\n[ogygia.zookeeper]\nenable = true\nendpoints = ["${zk.endpoint}"]\nnamespace = "/nixos/versions"\ntimeout_seconds = 10\n`);
    const store = openZooKeeperStore({ endpoints: [zk.endpoint], namespace: '/nixos/versions', timeoutSeconds: 10 });
    await store.publish('db01.example.com', revs('c3d4e5f6a1b2', 'c3d4e5f6a1b2', 'c3d4e5f6a1b2'));
    await store.close();
    const rep = await cli(['report'], { OGYGIA_ROOT: rootPartial, OGYGIA_CONFIG: file, OGYGIA_HOSTNAME: 'web02.example.com' });
    expect(rep.code).toBe(0);
    const r = await cli(['status'], { OGYGIA_ROOT: rootFull, OGYGIA_CONFIG: file, OGYGIA_HOSTNAME: 'web01.example.com' });
    expect(r.out).toBe(
      [
        `ZooKeeper fleet state (/nixos/versions via ${file}):`,
        'Host             ⚡ current    🥾 booted     🔜 next boot',
        dashes(57),
        '* web01 (local)  a1b2c3d4e5f6  a1b2c3d4e5f6  g7h8i9j0k1l2',
        'db01             c3d4e5f6a1b2  c3d4e5f6a1b2  c3d4e5f6a1b2',
        'web02            ffffffffffff  unknown       eeeeeeeeeeee',
      ].join('\n'),
    );
  });
});

describe('ogygia status with the reconciler', () => {
  // A real reconciler following a real channels repository: prod at revision 3, db at 1.
  const ops1 = testKey('test-only-ops-1');
  let rec: RunningReconciler;
  beforeAll(async () => {
    await requireProgram('git', 'git');
    const d = await makeTempDir('ogygia-status-rec-');
    cleanups.push(d.cleanup);
    const repo = await createChannelsRepo(d.path);
    const prod: Array<{ built: Built; commit: string }> = [];
    const chain = new ReleaseChain('prod', [ops1]);
    for (let i = 0; i < 3; i++) {
      const built = chain.next();
      prod.push({ built, commit: await repo.publish('prod', built.text) });
    }
    const db1 = new ReleaseChain('db', [ops1]).next();
    const db1Commit = await repo.publish('db', db1.text);
    rec = await startTestReconciler({ source: repo.bare, stateDir: join(d.path, 'state') });
    cleanups.push(() => rec.stop());

    const report = (host: string, r: Omit<Report, 'host' | 'agentVersion' | 'reportedAt'>): Report => ({ host, ...r, agentVersion: '0.1.0', reportedAt: new Date().toISOString() });
    const applied = (b: { built: Built; commit: string }) => ({ revision: b.built.doc.release.revision, digest: b.built.digest, commit: b.commit });
    const reports = [
      // Behind: applied revision 2 while prod serves 3.
      report('web02.example.com', { channel: 'prod', state: 'applied', ...applied(prod[1]!), current: 'b2c3d4e5f6a1b2c3', booted: 'b2c3d4e5f6a1', nextboot: 'b2c3d4e5f6a1' }),
      // Revision 3 failed here; revision 1 is what it runs.
      report('web01.example.com', {
        channel: 'prod',
        state: 'failed',
        ...applied(prod[0]!),
        current: '000000000000',
        booted: '000000000000',
        nextboot: '000000000000',
        error: { code: 'NixCopyError', message: 'nix copy failed' },
      }),
      // No booted or next-boot build revision known: the agent says `unknown`.
      report('db01.example.com', { channel: 'db', state: 'applied', ...applied({ built: db1, commit: db1Commit }), current: 'c3d4e5f6a1b2', booted: 'unknown', nextboot: 'unknown' }),
    ];
    for (const r of reports) {
      const res = await getJson(`${rec.url}/v1/hosts/${r.host}/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(r) });
      expect(res.status).toBe(202);
    }
  });

  it('shows the fleet from GET /v1/hosts, with the applied revision and derived state in --wide', async () => {
    const file = await config('rc.toml', `[ogygia]\ndomain = "example.com"\n[ogygia.reconciler]\nurl = "${rec.url}"\n`);
    const env = { OGYGIA_ROOT: rootFull, OGYGIA_CONFIG: file, OGYGIA_HOSTNAME: 'web01.example.com' };
    const r = await cli(['status'], env);
    expect(r.out).toBe(
      [
        `reconciler fleet state (${rec.url} via ${file}):`,
        'Host             ⚡ current    🥾 booted     🔜 next boot',
        dashes(57),
        '* web01 (local)  a1b2c3d4e5f6  a1b2c3d4e5f6  g7h8i9j0k1l2',
        'db01             c3d4e5f6a1b2  unknown       unknown',
        'web02            b2c3d4e5f6a1  b2c3d4e5f6a1  b2c3d4e5f6a1',
      ].join('\n'),
    );
    // When the reconciler received each report, as it serves it, shown to the second.
    const rows = ((await getJson(`${rec.url}/v1/hosts`)).body as HostsResponse).hosts;
    const seen = (host: string) => new Date(rows.find((h) => h.host === host)!.lastSeen).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const w = await cli(['status', '--wide'], env);
    expect(w.out.split('\n').slice(3)).toEqual([
      `* web01 (local)  a1b2c3d4e5f6  a1b2c3d4e5f6  g7h8i9j0k1l2  prod     1         failed   ${seen('web01.example.com')}`,
      `db01             c3d4e5f6a1b2  unknown       unknown       db       1         in-sync  ${seen('db01.example.com')}`,
      `web02            b2c3d4e5f6a1  b2c3d4e5f6a1  b2c3d4e5f6a1  prod     2         pending  ${seen('web02.example.com')}`,
    ]);
    const j = await cli(['status', '--json'], env);
    expect(JSON.parse(j.out).hosts.map((h: Record<string, unknown>) => [h.name, h.channel, h.revision, h.state])).toEqual([
      ['web01', 'prod', '1', 'failed'],
      ['db01', 'db', '1', 'in-sync'],
      ['web02', 'prod', '2', 'pending'],
    ]);
  });
});

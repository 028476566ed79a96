import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import zookeeper from 'node-zookeeper-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFleetStore } from '../core/fleet/open-store.js';
import { startEtcd, type EtcdServer } from '../testkit/etcd.js';
import { startZooKeeper, type ZooKeeperServer } from '../testkit/zookeeper.js';
import { makeHost, makeWorld, publishClosures, type World } from '../testkit/agent-world.js';
import { ReleaseChain } from '../testkit/release-chain.js';

// With [etcd] or [zookeeper] the agent publishes <namespace>/<host>/{current,booted,nextboot}
// and <namespace>/<host>/agent: the data `ogygia status` reads.
let world: World;
let A: string;
let etcd: EtcdServer;
let etcdAuth: EtcdServer; // authentication enabled (DESIGN.md §11)
let zk: ZooKeeperServer;

beforeAll(async () => {
  world = await makeWorld();
  [A] = await publishClosures(world, [{ name: 'a' }]);
  [etcd, etcdAuth, zk] = await Promise.all([startEtcd(), startEtcd(), startZooKeeper()]);
  // docs/status.md: each host's user may write only <namespace>/<host>/.
  await etcdAuth.enableAuth('root-password');
  await etcdAuth.addRole('ogygia-host-web01', [{ permission: 'readwrite', prefix: '/test-agent-auth/web01/' }]);
  await etcdAuth.addUser('web01', 'web01-password', ['ogygia-host-web01']);
  await etcdAuth.addRole('ogygia-host-db01', [{ permission: 'readwrite', prefix: '/test-agent-auth/db01/' }]);
  await etcdAuth.addUser('db01', 'db01-password', ['ogygia-host-db01']);
});
afterAll(async () => {
  await etcd?.stop();
  await etcdAuth?.stop();
  await zk?.stop();
  await world?.cleanup();
});

async function secretFile(dir: string, name: string, text: string): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, text);
  await chmod(p, 0o600);
  return p;
}

describe('agent publishing to the fleet store', () => {
  for (const kind of ['etcd', 'zookeeper'] as const) {
    it(`writes this host's revisions and agent detail to ${kind}`, async () => {
      const h = await makeHost(world, `web-${kind}`);
      const endpoint = kind === 'etcd' ? etcd.endpoint : zk.endpoint;
      await h.writeConfig({ toml: `[${kind}]\nendpoints = ["${endpoint}"]\nnamespace = "/test-agent"` });
      await world.commit(new ReleaseChain('prod', [world.releaseKey]).next({ targets: { '*': A } }).text, `for ${kind}`);
      const run = await h.runOnce();
      expect(run.exitCode, run.stderr).toBe(10);
      const store = await openFleetStore(kind, { endpoints: [endpoint], namespace: '/test-agent', timeoutSeconds: 5 });
      try {
        const entry = (await store.list()).find((e) => e.host === `web-${kind}`);
        expect(entry).toMatchObject({ current: 'rev-a-012345', nextboot: 'rev-a-012345', booted: 'unknown' });
        expect(entry?.agent).toMatchObject({ state: 'applied', channel: 'prod', revision: 1 });
      } finally {
        await store.close();
      }
    });
  }
});

describe('agent publishing with fleet store credentials (DESIGN.md §11)', () => {
  const stores = {
    etcd: async (dir: string) => ({
      store: async (user: string, password: string) =>
        openFleetStore('etcd', {
          endpoints: [etcdAuth.endpoint],
          namespace: '/test-agent-auth',
          timeoutSeconds: 5,
          credentials: { username: user, passwordFile: await secretFile(dir, `etcd-${user}`, password) },
        }),
      toml: `[etcd]\nendpoints = ["${etcdAuth.endpoint}"]\nnamespace = "/test-agent-auth"\ntimeout_seconds = 5\nusername = "web01"\npassword_file = "${await secretFile(dir, 'etcd-password', 'web01-password\n')}"`,
      read: async () => etcdAuth.getPrefix('/test-agent-auth/'),
      refusal: 'cannot publish to etcd (FleetStorePermissionError: etcd refused to write /test-agent-auth/db01/ for user "web01" (permission denied)',
    }),
    zookeeper: async (dir: string) => ({
      store: async (user: string, password: string) =>
        openFleetStore('zookeeper', {
          endpoints: [zk.endpoint],
          namespace: '/test-agent-auth',
          timeoutSeconds: 10,
          credentials: { authFile: await secretFile(dir, `zk-${user}`, `${user}:${password}`) },
        }),
      toml: `[zookeeper]\nendpoints = ["${zk.endpoint}"]\nnamespace = "/test-agent-auth"\ntimeout_seconds = 10\nauth_file = "${await secretFile(dir, 'zk-auth', 'web01:web01-password\n')}"`,
      read: () => zkValues('/test-agent-auth'),
      refusal: 'cannot publish to zookeeper (FleetStorePermissionError: ZooKeeper refused to write /test-agent-auth/db01',
    }),
  };

  /** Every value under the namespace, read anonymously (the nodes are world-readable). */
  async function zkValues(ns: string): Promise<Record<string, string>> {
    const c = zookeeper.createClient(zk.endpoint);
    await new Promise<void>((resolve) => {
      c.once('connected', () => resolve());
      c.connect();
    });
    const call = <T>(f: (cb: (err: Error | null, v: T) => void) => void) => new Promise<T>((res, rej) => f((e, v) => (e ? rej(e) : res(v))));
    try {
      const out: Record<string, string> = {};
      for (const h of await call<string[]>((cb) => c.getChildren(ns, cb))) {
        for (const k of await call<string[]>((cb) => c.getChildren(`${ns}/${h}`, cb))) {
          out[`${ns}/${h}/${k}`] = (await call<Buffer | undefined>((cb) => c.getData(`${ns}/${h}/${k}`, cb)))?.toString() ?? '';
        }
      }
      return out;
    } finally {
      c.close();
    }
  }

  for (const kind of ['etcd', 'zookeeper'] as const) {
    it(`writes its own keys with web01's credentials and is refused on db01's (${kind})`, async () => {
      const web01 = await makeHost(world, 'web01');
      const store = await stores[kind](web01.root);
      await web01.writeConfig({ toml: store.toml });
      await world.commit(new ReleaseChain('prod', [world.releaseKey]).next({ targets: { '*': A } }).text, `auth ${kind}`);
      const own = await web01.runOnce();
      expect(own.exitCode, own.stderr).toBe(10);
      expect(own.stderr).not.toContain('cannot publish');
      const after = await store.read();
      expect(after['/test-agent-auth/web01/current']).toBe('rev-a-012345');
      expect(JSON.parse(after['/test-agent-auth/web01/agent']!)).toMatchObject({ state: 'applied', channel: 'prod' });

      // db01 has published with its own credentials ...
      const own01 = await store.store('db01', 'db01-password');
      try {
        await own01.publish('db01', { current: 'db01-own', booted: 'db01-own', nextboot: 'db01-own' });
      } finally {
        await own01.close();
      }
      // ... and a host that calls itself db01 but holds web01's credentials applies, and the store refuses its report.
      const db01 = await makeHost(world, 'db01');
      await db01.writeConfig({ toml: (await stores[kind](db01.root)).toml });
      const other = await db01.runOnce();
      expect(other.exitCode, other.stderr).toBe(10);
      expect(other.stderr).toContain(store.refusal);
      expect(other.stderr).not.toContain('web01-password');
      const db01Keys = Object.fromEntries(Object.entries(await store.read()).filter(([k]) => k.includes('/db01/')));
      expect(db01Keys).toEqual({
        '/test-agent-auth/db01/current': 'db01-own',
        '/test-agent-auth/db01/booted': 'db01-own',
        '/test-agent-auth/db01/nextboot': 'db01-own',
      });
    });
  }

  it('stops before doing anything when a credential file is missing, naming the key', async () => {
    const h = await makeHost(world, 'web01');
    await h.writeConfig({
      toml: `[etcd]\nendpoints = ["${etcdAuth.endpoint}"]\nnamespace = "/test-agent-auth"\nusername = "web01"\npassword_file = "${join(h.root, 'no-such-file')}"`,
    });
    const r = await h.runOnce();
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`ogygia: etcd.password_file ${join(h.root, 'no-such-file')} does not exist; create it holding the etcd password on one line`);
    expect(r.stderr).toContain('[ConfigError]');
    expect(await h.profileTarget()).toBeNull(); // nothing applied
  });
});

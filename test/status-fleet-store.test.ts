import { Etcd3 } from 'etcd3';
import zookeeper from 'node-zookeeper-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEtcdStore } from '../core/fleet/etcd-store.js';
import type { FleetStore } from '../core/fleet/types.js';
import { openZooKeeperStore } from '../core/fleet/zookeeper-store.js';
import { startEtcd, type EtcdServer } from '../testkit/etcd.js';
import { fleetDetail as detail, revs } from '../testkit/fleet-samples.js';
import { freePort } from '../testkit/ports.js';
import { startZooKeeper, type ZooKeeperServer } from '../testkit/zookeeper.js';

async function expectUnavailableWithin(open: () => FleetStore, op: (s: FleetStore) => Promise<unknown>, seconds: number) {
  const store = open();
  const t0 = Date.now();
  try {
    await expect(op(store)).rejects.toMatchObject({ code: 'FleetStoreUnavailableError' });
  } finally {
    await store.close();
  }
  const elapsed = Date.now() - t0;
  expect(elapsed).toBeLessThan(seconds * 1000 + 1500);
}

describe('etcd fleet store (real etcd)', () => {
  let etcd: EtcdServer;
  let raw: Etcd3;
  beforeAll(async () => {
    etcd = await startEtcd();
    raw = new Etcd3({ hosts: etcd.endpoint });
  });
  afterAll(async () => {
    raw?.close();
    await etcd?.stop();
  });

  it('publishes plain strings and JSON agent detail, and lists every host sorted', async () => {
    const store = openEtcdStore({ endpoints: [etcd.endpoint], namespace: '/t1/versions/', timeoutSeconds: 5 });
    try {
      await store.publish('web02.dc1', revs('b2c3d4e5f6a1', 'b2c3d4e5f6a1', 'unknown'));
      await store.publish('web01.dc1', revs('a1b2c3d4e5f6', 'a1b2c3d4e5f6', 'g7h8i9j0k1l2'), detail());
      expect(await raw.get('/t1/versions/web01.dc1/current').string()).toBe('a1b2c3d4e5f6');
      expect(await raw.get('/t1/versions/web01.dc1/nextboot').string()).toBe('g7h8i9j0k1l2');
      expect(JSON.parse((await raw.get('/t1/versions/web01.dc1/agent').string())!)).toEqual(detail());
      expect(await raw.get('/t1/versions/web02.dc1/agent').string()).toBeNull();
      // A host with missing keys, written by someone else, and a stray key.
      await raw.put('/t1/versions/db01.dc2/current').value('c3d4e5f6a1b2');
      await raw.put('/t1/versions/db01.dc2/agent').value('not json');
      await raw.put('/t1/versions/web02.dc1/agent').value(JSON.stringify({ channel: 'prod', revision: 42, state: 'in-sync' })); // not an agent detail
      await raw.put('/t1/versionsX/other/current').value('nope');
      expect(await store.list()).toEqual([
        { host: 'db01.dc2', current: 'c3d4e5f6a1b2' },
        { host: 'web01.dc1', current: 'a1b2c3d4e5f6', booted: 'a1b2c3d4e5f6', nextboot: 'g7h8i9j0k1l2', agent: detail() },
        { host: 'web02.dc1', current: 'b2c3d4e5f6a1', booted: 'b2c3d4e5f6a1', nextboot: 'unknown' },
      ]);
      // Publishing again overwrites.
      await store.publish('web02.dc1', revs('ffffffffffff', 'b2c3d4e5f6a1', 'ffffffffffff'));
      expect((await store.list()).find((e) => e.host === 'web02.dc1')?.current).toBe('ffffffffffff');
    } finally {
      await store.close();
    }
  });

  it('lists nothing from an empty namespace', async () => {
    const store = openEtcdStore({ endpoints: [etcd.endpoint], namespace: '/empty', timeoutSeconds: 5 });
    try {
      expect(await store.list()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('lists through the next endpoint when the first one does not answer, and keeps UTF-8 values whole', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    await raw.put('/t2/versions/web01/current').value('révision-µ-42');
    const store = openEtcdStore({ endpoints: [dead, etcd.endpoint], namespace: '/t2/versions', timeoutSeconds: 5 });
    try {
      expect(await store.list()).toEqual([{ host: 'web01', current: 'révision-µ-42' }]);
    } finally {
      await store.close();
    }
  });

  it('refuses a host name that is not one', async () => {
    const store = openEtcdStore({ endpoints: [etcd.endpoint], namespace: '/t1', timeoutSeconds: 5 });
    try {
      await expect(store.publish('a/b', revs('x', 'y', 'z'))).rejects.toMatchObject({ code: 'InvalidHostNameError' });
    } finally {
      await store.close();
    }
  });

  it('fails within the timeout when nothing listens', async () => {
    const port = await freePort();
    const cfg = { endpoints: [`http://127.0.0.1:${port}`], namespace: '/nixos/versions', timeoutSeconds: 1 };
    await expectUnavailableWithin(() => openEtcdStore(cfg), (s) => s.list(), 1);
    await expectUnavailableWithin(() => openEtcdStore(cfg), (s) => s.publish('web01', revs('a', 'b', 'c')), 1);
    const s = openEtcdStore(cfg);
    await expect(s.list()).rejects.toThrow(
      `failed to connect to etcd at ["http://127.0.0.1:${port}"]. Check that the endpoints are reachable and the etcd service is running. Connection timeout: 1s.`,
    );
    await s.close();
  });
});

describe('ZooKeeper fleet store (real ZooKeeper)', () => {
  let zk: ZooKeeperServer;
  beforeAll(async () => {
    zk = await startZooKeeper();
  });
  afterAll(async () => {
    await zk?.stop();
  });

  const rawGet = (path: string) =>
    new Promise<string | undefined>((resolve, reject) => {
      const c = zookeeper.createClient(zk.endpoint);
      c.once('connected', () =>
        c.getData(path, (err, data) => {
          c.close();
          if (err) reject(err);
          else resolve(data?.toString('utf8'));
        }),
      );
      c.connect();
    });

  it('publishes plain strings and JSON agent detail, and lists every host sorted', async () => {
    const store = openZooKeeperStore({ endpoints: [zk.endpoint], namespace: '/nixos/versions', timeoutSeconds: 10 });
    try {
      expect(await store.list()).toEqual([]);
      await store.publish('web02', revs('b2c3d4e5f6a1', 'b2c3d4e5f6a1', 'unknown'));
      await store.publish('web01', revs('a1b2c3d4e5f6', 'a1b2c3d4e5f6', 'g7h8i9j0k1l2'), detail({ state: 'applying' }));
      await store.publish('web01', revs('a1b2c3d4e5f6', 'a1b2c3d4e5f6', 'g7h8i9j0k1l3'), detail({ state: 'applied' }));
      expect(await rawGet('/nixos/versions/web01/nextboot')).toBe('g7h8i9j0k1l3');
      expect(JSON.parse((await rawGet('/nixos/versions/web01/agent'))!)).toEqual(detail({ state: 'applied' }));
      expect(await store.list()).toEqual([
        { host: 'web01', current: 'a1b2c3d4e5f6', booted: 'a1b2c3d4e5f6', nextboot: 'g7h8i9j0k1l3', agent: detail({ state: 'applied' }) },
        { host: 'web02', current: 'b2c3d4e5f6a1', booted: 'b2c3d4e5f6a1', nextboot: 'unknown' },
      ]);
    } finally {
      await store.close();
    }
  });

  it('fails within the timeout when nothing listens', async () => {
    const port = await freePort();
    const cfg = { endpoints: [`127.0.0.1:${port}`], namespace: '/nixos/versions', timeoutSeconds: 1 };
    await expectUnavailableWithin(() => openZooKeeperStore(cfg), (s) => s.list(), 1);
    await expectUnavailableWithin(() => openZooKeeperStore(cfg), (s) => s.publish('web01', revs('a', 'b', 'c')), 1);
  });
});

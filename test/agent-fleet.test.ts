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
let zk: ZooKeeperServer;

beforeAll(async () => {
  world = await makeWorld();
  [A] = await publishClosures(world, [{ name: 'a' }]);
  [etcd, zk] = await Promise.all([startEtcd(), startZooKeeper()]);
});
afterAll(async () => {
  await etcd?.stop();
  await zk?.stop();
  await world?.cleanup();
});

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

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rollout } from '../core/rollout.js';
import { channelListSchema, type RolloutProgress } from '../core/wire/channel-list.js';
import type { HostRow } from '../core/wire/host-row.js';
import type { RunningReconciler } from '../reconciler/main.js';
import { makeHost, makeWorld, publishClosures, type Host, type World } from '../testkit/agent-world.js';
import { startEtcd, type EtcdServer } from '../testkit/etcd.js';
import { eventually } from '../testkit/eventually.js';
import type { Started } from '../testkit/processes.js';
import { getJson, startTestReconciler } from '../testkit/reconciler-harness.js';

// Staged rollouts end to end (DESIGN.md §12, issue 16 "Done when"): a real
// reconciler and three real agents (web01, web02, db01) applying real Nix
// systems. A release whose canary fails its health check halts at the canary;
// the next good release reaches the canary first and the others only after it
// is in-sync plus the soak. Then the same with two reconciler replicas sharing
// etcd, web01 and db01 asking one, web02 the other.

const CANARY: Rollout = { waves: [{ hosts: ['web01'], soakSeconds: 3 }, { percent: 100 }], maxFailures: 0 };
const NAMES = ['web01', 'web02', 'db01'] as const;

let world: World;
let A: string, Bad: string, C: string;
let rec: RunningReconciler;
const hosts: Record<string, Host> = {};
const agents: Started[] = [];
const logs: string[] = [];

async function rows(url = rec.url): Promise<Record<string, HostRow>> {
  const r = await getJson(`${url}/v1/hosts`);
  return Object.fromEntries((r.body.hosts as HostRow[]).map((h) => [h.host, h]));
}

async function progress(url = rec.url): Promise<RolloutProgress | null> {
  const r = await getJson(`${url}/v1/channels`);
  return channelListSchema.parse(r.body).channels.find((c) => c.name === 'prod')?.rollout ?? null;
}

/**
 * Publish `revision` (C with the canary rollout) and sample until every host
 * runs C: each sample notes who runs C, and the soak's end once the
 * reconciler at `url` names it. Then check the order: web01 first (no sample
 * shows another host on C without it), and neither web02 nor db01 before
 * web01's in-sync report plus the soak (every sample taken before the soak's
 * end shows neither on C).
 */
async function expectCanaryFirst(fleet: Record<string, Host>, url: string, revision: number, message: string): Promise<void> {
  await world.commit(world.chain.next({ targets: { '*': C }, rollout: CANARY }).text, message);
  let soakEnds: number | undefined;
  const samples: Array<{ at: number; web01: boolean; others: boolean[] }> = [];
  await eventually(async () => {
    const p = await progress(url);
    if (p?.revision === revision && p.wave === 1 && p.nextWaveAt) soakEnds ??= Date.parse(p.nextWaveAt);
    const has = async (n: string): Promise<boolean> => (await fleet[n]!.currentSystem()) === C;
    const s = { web01: await has('web01'), others: [await has('web02'), await has('db01')], at: Date.now() };
    samples.push(s);
    return s.web01 && s.others.every(Boolean) ? true : undefined;
  }, 'every host on C', 180_000, 100);
  expect(soakEnds).toBeDefined();
  for (const s of samples) if (s.others.some(Boolean)) expect(s.web01).toBe(true);
  const before = samples.filter((s) => s.at < soakEnds!);
  expect(before.length).toBeGreaterThan(0);
  for (const s of before) expect(s.others).toEqual([false, false]);
}

beforeAll(async () => {
  world = await makeWorld();
  [A, Bad, C] = await publishClosures(world, [{ name: 'a' }, { name: 'bad', healthy: false }, { name: 'c' }]);
  await world.commit(world.chain.next({ targets: { '*': A } }).text, 'r1: every host on A');
  rec = await startTestReconciler({ source: world.repo, stateDir: join(world.dir, 'reconciler'), logs, poll: 1 });
  for (const name of NAMES) {
    const h = await makeHost(world, name);
    await h.writeConfig({ source: rec.url, top: 'wait_seconds = 30' });
    hosts[name] = h;
    agents.push(h.start(join(h.root, 'agent.log')));
  }
  await eventually(async () => {
    const r = await rows();
    return NAMES.every((n) => r[n]?.state === 'in-sync' && r[n]?.applied.revision === 1) ? true : undefined;
  }, 'every host in-sync on revision 1', 120_000);
}, 240_000);

afterAll(async () => {
  for (const a of agents) await a.stop('SIGTERM');
  await rec?.stop();
  for (const r of replicas) await r.stop();
  await etcd?.stop();
  await world?.cleanup();
});

let etcd: EtcdServer | undefined;
const replicas: RunningReconciler[] = [];

describe('staged rollouts with real agents', () => {
  it('a release whose canary fails its health check is rolled back on web01 and never reaches web02 or db01', async () => {
    await world.commit(world.chain.next({ targets: { '*': Bad }, rollout: CANARY }).text, 'r2: unhealthy, canary web01');
    const halted = await eventually(async () => {
      const p = await progress();
      return p?.state === 'halted' ? p : undefined;
    }, 'the rollout of revision 2 halted', 120_000);
    expect(halted).toMatchObject({ revision: 2, wave: 1, waves: 2, failures: 1, haltReason: 'web01 rolled-back (HealthCheckError)', fallback: { revision: 1 } });
    expect(logs).toContain('reconciler: prod revision 2 halted: web01 rolled-back (HealthCheckError)');
    // web01 switched to the bad system and back to A with A's own switch script.
    expect((await hosts.web01!.switchLog()).slice(-2)).toEqual([`switch ${Bad}`, `switch ${A}`]);
    expect(await hosts.web01!.currentSystem()).toBe(A);
    // Longer than the soak, the others stay on revision 1 and never switched to the bad system.
    await new Promise((r) => setTimeout(r, 5000));
    const r = await rows();
    for (const n of ['web02', 'db01']) {
      expect(await hosts[n]!.switchLog()).not.toContain(`switch ${Bad}`);
      expect(await hosts[n]!.currentSystem()).toBe(A);
      expect(r[n]!.applied.revision).toBe(1);
    }
    expect((await progress())?.state).toBe('halted');
  }, 180_000);

  it('the next good release reaches web01 first and the others only after web01 is in-sync plus the soak', async () => {
    await expectCanaryFirst(hosts, rec.url, 3, 'r3: good, canary web01');
    expect(logs).toContain('reconciler: prod revision 3 wave 2/2 opened (100%, 3 hosts)');
    await eventually(async () => ((await progress())?.state === 'complete' ? true : undefined), 'revision 3 complete', 60_000);
    const r = await rows();
    for (const n of NAMES) expect(r[n]).toMatchObject({ state: 'in-sync', applied: { revision: 3 } });
  }, 240_000);
});

describe('staged rollouts with real agents and two reconciler replicas sharing etcd', () => {
  const replicaLogs: string[][] = [[], []];
  const fleet: Record<string, Host> = {};
  /** Which replica each host asks: web01 and db01 the first, web02 the second. */
  const asks: Record<string, number> = { web01: 0, web02: 1, db01: 0 };

  beforeAll(async () => {
    // The single reconciler and its agents are done: stop them, and start again from a release without a rollout.
    for (const a of agents.splice(0)) await a.stop('SIGTERM');
    await rec.stop();
    await world.commit(world.chain.next({ targets: { '*': A } }).text, 'r4: every host on A');
    etcd = await startEtcd();
    for (const i of [0, 1]) {
      const lines = replicaLogs[i]!;
      replicas.push(
        await startTestReconciler({
          source: world.repo,
          stateDir: join(world.dir, `replica-${i}`),
          logs: lines,
          poll: 1,
          extra: { etcd: { endpoints: [etcd.endpoint], namespace: '/test-rollout-agents' } },
        }),
      );
    }
    for (const name of NAMES) {
      const h = await makeHost(world, name);
      await h.writeConfig({ source: replicas[asks[name]!]!.url, top: 'wait_seconds = 30' });
      fleet[name] = h;
      agents.push(h.start(join(h.root, 'agent.log')));
    }
    await eventually(async () => {
      const r = await rows(replicas[1]!.url);
      return NAMES.every((n) => r[n]?.state === 'in-sync' && r[n]?.applied.revision === 4) ? true : undefined;
    }, 'every host in-sync on revision 4', 120_000);
  }, 240_000);

  it('the canary fails: halted on both replicas, web02 (asking the other replica) and db01 never get it', async () => {
    await world.commit(world.chain.next({ targets: { '*': Bad }, rollout: CANARY }).text, 'r5: unhealthy, canary web01');
    for (const r of replicas) {
      await eventually(async () => ((await progress(r.url))?.state === 'halted' ? true : undefined), 'revision 5 halted on each replica', 120_000);
      expect(await progress(r.url)).toMatchObject({ revision: 5, haltReason: 'web01 rolled-back (HealthCheckError)', fallback: { revision: 4 } });
    }
    expect((await fleet.web01!.switchLog()).slice(-2)).toEqual([`switch ${Bad}`, `switch ${A}`]);
    await new Promise((r) => setTimeout(r, 5000));
    for (const n of ['web02', 'db01']) {
      expect(await fleet[n]!.switchLog()).not.toContain(`switch ${Bad}`);
      expect(await fleet[n]!.currentSystem()).toBe(A);
    }
    // One replica decided: the halt is logged once.
    expect(replicaLogs.flat().filter((l) => l === 'reconciler: prod revision 5 halted: web01 rolled-back (HealthCheckError)')).toHaveLength(1);
  }, 180_000);

  it('the next good release: web01 first, web02 and db01 only after web01 is in-sync plus the soak, whichever replica they ask', async () => {
    await expectCanaryFirst(fleet, replicas[1]!.url, 6, 'r6: good, canary web01');
    expect(replicaLogs.flat().filter((l) => l === 'reconciler: prod revision 6 wave 2/2 opened (100%, 3 hosts)')).toHaveLength(1);
  }, 240_000);
});

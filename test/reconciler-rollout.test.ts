import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelListSchema } from '../core/wire/channel-list.js';
import type { Rollout } from '../core/rollout.js';
import type { RunningReconciler } from '../reconciler/main.js';
import { createChannelsRepo, type ChannelsRepo } from '../testkit/channel-repo.js';
import { startEtcd, type EtcdServer } from '../testkit/etcd.js';
import { eventually } from '../testkit/eventually.js';
import { testKey } from '../testkit/keys.js';
import { requireProgram } from '../testkit/processes.js';
import { getJson, startTestReconciler } from '../testkit/reconciler-harness.js';
import { ReleaseChain, type Built } from '../testkit/release-chain.js';
import { askHead, postReport } from '../testkit/sim-agent.js';
import { makeTempDir } from '../testkit/tmp.js';

// Staged rollouts in a real reconciler (DESIGN.md §12), with simulated agents
// that ask with ?host= and post real reports. test/rollout-agents.test.ts runs the
// same with real agents on real Nix systems.

const HOSTS = ['web01', 'web02', 'db01'];
const CANARY: Rollout = { waves: [{ hosts: ['web01'], soakSeconds: 2 }, { percent: 100 }], maxFailures: 0 };

async function channels(base: string) {
  const r = await getJson(`${base}/v1/channels`);
  expect(r.status).toBe(200);
  return channelListSchema.parse(r.body);
}

async function progress(base: string) {
  return (await channels(base)).channels.find((c) => c.name === 'prod')!.rollout;
}

const applied = (b: Built) => ({ revision: b.doc.release.revision, digest: b.digest });

describe('staged rollouts in the reconciler', () => {
  const ops1 = testKey('test-only-ops-1');
  let tmp: { path: string; cleanup: () => Promise<void> };
  let repo: ChannelsRepo;
  const running: RunningReconciler[] = [];
  const chain = new ReleaseChain('prod', [ops1]);
  const rel: Built[] = [];
  let rec: RunningReconciler;
  const logs: string[] = [];

  const start = async (stateDir: string, extra: Record<string, unknown> = {}, lines = logs): Promise<RunningReconciler> => {
    const r = await startTestReconciler({ source: repo.bare, stateDir: join(tmp.path, stateDir), logs: lines, extra });
    running.push(r);
    return r;
  };
  const stop = async (r: RunningReconciler): Promise<void> => {
    await r.stop();
    running.splice(running.indexOf(r), 1);
  };
  const report = (base: string, host: string, b: Built, state: 'applied' | 'rolled-back' = 'applied', errorCode?: string) =>
    postReport(base, { host, channel: 'prod', state, applied: applied(b), ...(errorCode ? { errorCode } : {}) });

  beforeAll(async () => {
    await requireProgram('git', 'git');
    tmp = await makeTempDir('ogygia-rollout-');
    repo = await createChannelsRepo(tmp.path);
    rel.push(chain.next());
    await repo.publish('prod', rel[0]!.text);
    rec = await start('state');
    for (const h of HOSTS) expect(await report(rec.url, h, rel[0]!)).toBe(202);
  });

  afterAll(async () => {
    for (const r of [...running]) await r.stop();
    await tmp?.cleanup();
  });

  it('serves a release without a rollout to every host, and shows no rollout', async () => {
    for (const h of HOSTS) expect((await askHead(rec.url, 'prod', h)).revision).toBe(1);
    expect(await progress(rec.url)).toBeNull();
  });

  it('gives the canary the new release first, and the others only after it is in-sync plus the soak', async () => {
    rel.push(chain.next({ rollout: CANARY }));
    await repo.publish('prod', rel[1]!.text);
    await eventually(async () => ((await askHead(rec.url, 'prod', undefined)).revision === 2 ? true : undefined), 'revision 2 served');
    // Without ?host= (tools, CI) the newest head; web01 is the canary; the others keep revision 1, with its ETag.
    expect((await askHead(rec.url, 'prod', 'web01')).revision).toBe(2);
    const gated = await askHead(rec.url, 'prod', 'web02');
    expect(gated.revision).toBe(1);
    expect(gated.etag).toBe(`"${rel[0]!.digest}"`);
    expect((await askHead(rec.url, 'prod', 'web02', { etag: gated.etag })).status).toBe(304);
    expect(await progress(rec.url)).toMatchObject({ state: 'in-progress', wave: 1, waves: 2, hostsInWaves: 1, hostsTotal: 3, fallback: { revision: 1 } });

    // web02 and db01 long-poll on what they have; web01 applies and reports in-sync.
    const polls = ['web02', 'db01'].map((h) => askHead(rec.url, 'prod', h, { etag: gated.etag, wait: 60 }).then((r) => ({ r, at: Date.now() })));
    const syncedAt = Date.now();
    expect(await report(rec.url, 'web01', rel[1]!)).toBe(202);
    const woken = await Promise.all(polls);
    for (const { r, at } of woken) {
      expect(r.revision).toBe(2);
      expect(at).toBeGreaterThanOrEqual(syncedAt + 2000); // not before the soak
    }
    expect(logs).toContain('reconciler: prod revision 2 wave 2/2 opened (100%, 3 hosts)');
    for (const h of ['web02', 'db01']) expect(await report(rec.url, h, rel[1]!)).toBe(202);
    await eventually(async () => ((await progress(rec.url))?.state === 'complete' ? true : undefined), 'rollout complete');
    expect(logs).toContain('reconciler: prod revision 2 rollout complete');
  });

  it('halts when the canary rolls back: nobody else gets the release, and /v1/channels, /metrics and the log say so', async () => {
    rel.push(chain.next({ rollout: CANARY }));
    await repo.publish('prod', rel[2]!.text);
    await eventually(async () => ((await askHead(rec.url, 'prod', 'web01')).revision === 3 ? true : undefined), 'revision 3 for web01');
    expect((await askHead(rec.url, 'prod', 'db01')).revision).toBe(2);
    expect(await report(rec.url, 'web01', rel[1]!, 'rolled-back', 'HealthCheckError')).toBe(202);
    await eventually(async () => ((await progress(rec.url))?.state === 'halted' ? true : undefined), 'halted');
    expect(await progress(rec.url)).toMatchObject({ state: 'halted', revision: 3, failures: 1, maxFailures: 0, haltReason: 'web01 rolled-back (HealthCheckError)', fallback: { revision: 2 } });
    expect(logs).toContain('reconciler: prod revision 3 halted: web01 rolled-back (HealthCheckError)');
    // The others stay on revision 2, even once the soak would have passed: a held long-poll is not woken with revision 3.
    const held = await askHead(rec.url, 'prod', 'web02', { etag: `"${rel[1]!.digest}"`, wait: 3 });
    expect(held.status).toBe(304);
    for (const h of ['web02', 'db01']) expect((await askHead(rec.url, 'prod', h)).revision).toBe(2);
    const metrics = await (await fetch(`${rec.url}/metrics`)).text();
    expect(metrics).toContain('ogygia_rollout_halted{channel="prod"} 1');
    expect(metrics).toContain('ogygia_rollout_failures{channel="prod"} 1');
    expect(metrics).toContain('ogygia_rollout_wave{channel="prod"} 1');
    for (const page of ['/', '/channels/prod']) {
      const html = await (await fetch(`${rec.url}${page}`)).text();
      expect(html).toContain('<span class="badge bad">halted</span>');
      expect(html).toContain('halted: web01 rolled-back (HealthCheckError)');
      expect(html).toContain('revision 3 wave 1/2: 0 of 3 hosts in-sync, 1 in open waves');
    }
  });

  it('keeps the halt and the wave plan across a restart', async () => {
    await stop(rec);
    rec = await start('state');
    expect(await progress(rec.url)).toMatchObject({ state: 'halted', revision: 3 });
    expect((await askHead(rec.url, 'prod', 'web01')).revision).toBe(3);
    expect((await askHead(rec.url, 'prod', 'web02')).revision).toBe(2);
  });

  it('a newer release replaces the halted one; a gated host that skips revisions gets the chain up to what it is served', async () => {
    rel.push(chain.next({ rollout: CANARY }));
    await repo.publish('prod', rel[3]!.text);
    await eventually(async () => ((await askHead(rec.url, 'prod', 'web01')).revision === 4 ? true : undefined), 'revision 4 for web01');
    expect(await progress(rec.url)).toMatchObject({ state: 'in-progress', revision: 4, fallback: { revision: 2 } });
    // db01 still on revision 2 asks: revision 2 again (no chain); once its wave opens, revision 4 with revision 3 in the chain.
    const before = await askHead(rec.url, 'prod', 'db01', { since: 2 });
    expect(before.revision).toBe(2);
    expect(before.chain).toEqual([]);
    expect(await report(rec.url, 'web01', rel[3]!)).toBe(202);
    const after = await eventually(async () => {
      const r = await askHead(rec.url, 'prod', 'db01', { since: 2 });
      return r.revision === 4 ? r : undefined;
    }, 'revision 4 for db01');
    expect(after.chain).toEqual([3]);
  });

  it('refuses to start on a damaged rollouts.json, naming it', async () => {
    await stop(rec);
    const file = join(tmp.path, 'state', 'rollouts.json');
    const good = await readFile(file, 'utf8');
    await writeFile(file, good.replace('"plan":', '"plan":"x","was":'));
    const err = await start('state').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'RolloutStateCorruptError', data: { where: file } });
    await writeFile(file, good);
    rec = await start('state');
    expect((await progress(rec.url))?.revision).toBe(4);
  });

  it('a reconciler with no record of the head takes the fallback from git history (the newest earlier version that verifies)', async () => {
    const fresh = await start('state-fresh');
    expect(await progress(fresh.url)).toMatchObject({ state: 'in-progress', revision: 4, wave: 1, fallback: { revision: 3 } });
    expect((await askHead(fresh.url, 'prod', 'web01')).revision).toBe(4);
    expect((await askHead(fresh.url, 'prod', 'web02')).revision).toBe(3);
    await stop(fresh);
  });

  it('a host named in ?host= must be a host name', async () => {
    const r = await getJson(`${rec.url}/v1/channels/prod?host=${encodeURIComponent('web 01')}`);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('InvalidHostNameError');
  });
});

describe('staged rollouts with two reconciler replicas sharing etcd', () => {
  const ops1 = testKey('test-only-ops-1');
  let tmp: { path: string; cleanup: () => Promise<void> };
  let repo: ChannelsRepo;
  let etcd: EtcdServer;
  const replicas: RunningReconciler[] = [];
  const logs: string[][] = [[], []];
  const chain = new ReleaseChain('prod', [ops1]);
  const rel: Built[] = [];

  beforeAll(async () => {
    tmp = await makeTempDir('ogygia-rollout-etcd-');
    repo = await createChannelsRepo(tmp.path);
    etcd = await startEtcd();
    rel.push(chain.next());
    await repo.publish('prod', rel[0]!.text);
    for (const i of [0, 1]) {
      replicas.push(
        await startTestReconciler({
          source: repo.bare,
          stateDir: join(tmp.path, `state-${i}`),
          logs: logs[i]!,
          extra: { etcd: { endpoints: [etcd.endpoint], namespace: '/test-rollout' } },
        }),
      );
    }
  }, 60_000);

  afterAll(async () => {
    for (const r of replicas) await r.stop();
    await etcd?.stop();
    await tmp?.cleanup();
  });

  it('a replica starts while etcd is not answering, and serves heads without a rollout', async () => {
    const lines: string[] = [];
    const down = await startTestReconciler({
      source: repo.bare,
      stateDir: join(tmp.path, 'state-etcd-down'),
      logs: lines,
      extra: { etcd: { endpoints: ['http://127.0.0.1:1'], namespace: '/test-rollout', timeout_seconds: 2 } },
    });
    try {
      expect(lines.some((l) => l.includes('rollouts: cannot read the rollout records from etcd yet'))).toBe(true);
      expect((await askHead(down.url, 'prod', 'web01')).revision).toBe(1);
    } finally {
      await down.stop();
    }
  });

  it('one replica leads; a wave it opens on reports posted to the other is honoured by both', async () => {
    const [a, b] = replicas as [RunningReconciler, RunningReconciler];
    for (const h of HOSTS) expect(await postReport(b.url, { host: h, channel: 'prod', state: 'applied', applied: applied(rel[0]!) })).toBe(202);
    await eventually(async () => (logs.flat().some((l) => l.includes('this replica moves rollouts forward')) ? true : undefined), 'a leader');
    expect(logs.filter((l) => l.some((x) => x.includes('this replica moves rollouts forward')))).toHaveLength(1);

    rel.push(chain.next({ rollout: CANARY }));
    await repo.publish('prod', rel[1]!.text);
    for (const r of replicas) {
      await eventually(async () => ((await askHead(r.url, 'prod', 'web01')).revision === 2 ? true : undefined), 'revision 2 for web01 on each replica');
      expect((await askHead(r.url, 'prod', 'web02')).revision).toBe(1);
    }
    // web02 long-polls replica a; web01 reports to replica b.
    const poll = askHead(a.url, 'prod', 'web02', { etag: `"${rel[0]!.digest}"`, wait: 60 }).then((r) => ({ r, at: Date.now() }));
    const syncedAt = Date.now();
    expect(await postReport(b.url, { host: 'web01', channel: 'prod', state: 'applied', applied: applied(rel[1]!) })).toBe(202);
    const { r, at } = await poll;
    expect(r.revision).toBe(2);
    expect(at).toBeGreaterThanOrEqual(syncedAt + 2000);
    for (const rep of replicas) {
      expect((await askHead(rep.url, 'prod', 'db01')).revision).toBe(2);
      expect(await progress(rep.url)).toMatchObject({ state: 'in-progress', wave: 2, waves: 2 });
    }
    // The wave was opened once, by the leader.
    expect(logs.flat().filter((l) => l === 'reconciler: prod revision 2 wave 2/2 opened (100%, 3 hosts)')).toHaveLength(1);
  });

  it('when the leader stops, the other replica takes over and moves the next rollout', async () => {
    const leader = logs.findIndex((l) => l.some((x) => x.includes('this replica moves rollouts forward')));
    const other = 1 - leader;
    await replicas[leader]!.stop();
    const survivor = replicas[other]!;
    replicas.splice(0, 2, survivor);
    await eventually(async () => (logs[other]!.some((x) => x.includes('this replica moves rollouts forward')) ? true : undefined), 'the survivor leads', 30_000);
    // It completes revision 2 on reports ...
    for (const h of ['web02', 'db01']) expect(await postReport(survivor.url, { host: h, channel: 'prod', state: 'applied', applied: applied(rel[1]!) })).toBe(202);
    await eventually(async () => ((await progress(survivor.url))?.state === 'complete' ? true : undefined), 'revision 2 complete');
    // ... and starts revision 3 with revision 2 as the fallback.
    rel.push(chain.next({ rollout: CANARY }));
    await repo.publish('prod', rel[2]!.text);
    await eventually(async () => ((await askHead(survivor.url, 'prod', 'web01')).revision === 3 ? true : undefined), 'revision 3 for web01');
    expect((await askHead(survivor.url, 'prod', 'web02')).revision).toBe(2);
    expect(await progress(survivor.url)).toMatchObject({ state: 'in-progress', revision: 3, fallback: { revision: 2 } });
  });
});

describe('staged rollouts in etcd with a reconciler role limited to <namespace>/reconciler/', () => {
  const ops1 = testKey('test-only-ops-1');
  let tmp: { path: string; cleanup: () => Promise<void> };
  let etcd: EtcdServer;
  let rec: RunningReconciler | undefined;

  beforeAll(async () => {
    tmp = await makeTempDir('ogygia-rollout-etcd-auth-');
    etcd = await startEtcd();
    await etcd.enableAuth('root-password');
    await etcd.addRole('ogygia-reconciler', [{ permission: 'readwrite', prefix: '/test-rollout-auth/reconciler/' }]);
    await etcd.addUser('reconciler', 'reconciler-password', ['ogygia-reconciler']);
  }, 60_000);

  afterAll(async () => {
    await rec?.stop();
    await etcd?.stop();
    await tmp?.cleanup();
  });

  it('leads, records and opens waves with nothing outside its prefix', async () => {
    const repo = await createChannelsRepo(tmp.path);
    const chain = new ReleaseChain('prod', [ops1]);
    const r1 = chain.next();
    await repo.publish('prod', r1.text);
    const passwordFile = join(tmp.path, 'etcd-password');
    await writeFile(passwordFile, 'reconciler-password\n', { mode: 0o600 });
    const lines: string[] = [];
    rec = await startTestReconciler({
      source: repo.bare,
      stateDir: join(tmp.path, 'state'),
      logs: lines,
      extra: { etcd: { endpoints: [etcd.endpoint], namespace: '/test-rollout-auth', username: 'reconciler', password_file: passwordFile } },
    });
    await eventually(async () => (lines.some((l) => l.includes('this replica moves rollouts forward')) ? true : undefined), 'the replica leads');
    for (const h of HOSTS) expect(await postReport(rec.url, { host: h, channel: 'prod', state: 'applied', applied: applied(r1) })).toBe(202);
    const r2 = chain.next({ rollout: { waves: [{ hosts: ['web01'] }, { percent: 100 }], maxFailures: 0 } });
    await repo.publish('prod', r2.text);
    await eventually(async () => ((await askHead(rec!.url, 'prod', 'web01')).revision === 2 ? true : undefined), 'revision 2 for web01');
    expect((await askHead(rec.url, 'prod', 'web02')).revision).toBe(1);
    expect(await postReport(rec.url, { host: 'web01', channel: 'prod', state: 'applied', applied: applied(r2) })).toBe(202);
    await eventually(async () => ((await askHead(rec!.url, 'prod', 'web02')).revision === 2 ? true : undefined), 'revision 2 for web02');
    expect(lines.filter((l) => /rollouts: .*(cannot|lost)/.test(l) || l.includes('error'))).toEqual([]);
    const keys = Object.keys(await etcd.getPrefix('/'));
    expect(keys.filter((k) => !k.startsWith('/test-rollout-auth/reconciler/'))).toEqual([]);
    expect(keys).toContain('/test-rollout-auth/reconciler/rollouts/prod');
  });
});

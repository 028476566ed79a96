import { readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { channelListSchema } from '../core/wire/channel-list.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetLab } from '../scripts/demo/fleet-lab.js';
import { HOSTS, readSwitchLog, runScenario, type ScenarioResult } from '../scripts/demo/scenario.js';
import { makeTempDir } from '../testkit/tmp.js';

// The demo's scenario end to end, with real git, Nix, irisd, reconciler, agents and etcd.
describe('the whole loop: publish → reconcile → apply → roll back → status', () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  let lab: FleetLab;
  let result: ScenarioResult;
  const steps: number[] = [];
  let pids: number[] = [];

  beforeAll(async () => {
    tmp = await makeTempDir('ogygia-e2e-');
    lab = new FleetLab(tmp.path);
    try {
      result = await runScenario(lab, (r) => steps.push(r.step));
      pids = lab.pids();
    } catch (e) {
      pids = lab.pids();
      await lab.close();
      throw e;
    }
  }, 300_000);

  afterAll(async () => {
    await lab?.close();
    await tmp?.cleanup();
  });

  it('runs all seven steps', () => {
    expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('applies release 1 on every host from the irisd cache', async () => {
    expect(result.afterRelease1.map((h) => [h.host, h.state, h.applied.revision])).toEqual([
      ['db01', 'in-sync', 1],
      ['web01', 'in-sync', 1],
      ['web02', 'in-sync', 1],
    ]);
    // The closures were deleted from the system store before the agents ran, so they came through irisd.
    const log = await execa('cat', [join(lab.dir, 'logs', 'agent-web01.log')]);
    expect(String(log.stdout)).toMatch(/agent: /);
  });

  it('verify refuses release 2 with one signature and passes it with two, printing the closure diff', () => {
    expect(result.verifyBefore.code).toBe(1);
    expect(result.verifyBefore.out).toContain('ThresholdNotMetError');
    expect(result.verifyAfter.code).toBe(0);
    expect(result.verifyAfter.out).toContain('signed by ops-1, ops-2');
    expect(result.verifyAfter.out).toMatch(/cache prod: \d+ path\(s\) present/);
    // The closure diff the reviewer reads, from irisd's signed narinfos (the closures are gone from the local store).
    const { A, B } = result.revisions.closures;
    expect(result.verifyAfter.out).toContain(`    ${A}\n      → ${B}`);
    expect(result.verifyAfter.out).toContain('[U]  openssl  3.0.12 → 3.0.13');
    expect(result.verifyAfter.out).toMatch(/\[A\]  curl +8\.1\.0/);
    expect(result.verifyAfter.out).toContain('No reboot needed');
    expect(result.verifyAfter.out).toMatch(/Closure: (\d+) → (\d+) paths \(\+1: 3 added, 2 removed\)/);
  });

  it('applies release 2 after the merge', () => {
    expect(result.afterRelease2.every((h) => h.state === 'in-sync' && h.applied.revision === 2)).toBe(true);
  });

  it('sends release 3 to the canary db01 first: it fails its health check, rolls back, the rollout halts, and web01 and web02 never get it', async () => {
    const byHost = Object.fromEntries(result.afterRelease3.map((h) => [h.host, h]));
    expect(byHost.db01).toMatchObject({ state: 'rolled-back', desired: { revision: 3 } });
    expect(byHost.db01!.error?.code).toMatch(/Health/);
    // Held on revision 2 by the halted rollout: in-sync on what they are served.
    expect(byHost.web01).toMatchObject({ state: 'in-sync', desired: { revision: 2 }, applied: { revision: 2 } });
    expect(byHost.web02).toMatchObject({ state: 'in-sync', desired: { revision: 2 }, applied: { revision: 2 } });
    const { closures } = result.revisions;
    expect(await readlink(join(result.roots.db01, 'run/current-system'))).toBe(closures.B);
    expect(await readlink(join(result.roots.web01, 'run/current-system'))).toBe(closures.B);
    expect(await readSwitchLog(result.roots.web01)).not.toContain(`switch ${closures.C}`);
    // db01 switched to the bad system, then back to release 2's system with that system's own switch script.
    const log = await readSwitchLog(result.roots.db01);
    expect(log.slice(-2)).toEqual([`switch ${closures.Cbad}`, `switch ${closures.B}`]);
    // The reconciler says why, and so does `ogygia rollout status`.
    const prod = channelListSchema.parse(await (await fetch(`${result.reconcilerUrl}/v1/channels`)).json()).channels.find((c) => c.name === 'prod');
    expect(prod?.rollout).toMatchObject({ state: 'halted', revision: 3, wave: 1, waves: 2, failures: 1, maxFailures: 0, fallback: { revision: 2 } });
    expect(prod?.rollout?.haltReason).toMatch(/^db01 rolled-back \(Health/);
    expect(result.rolloutStatus).toMatch(/^prod\s+3\s+halted\s+1\/2\b/m);
    // Each host's page says where it stands.
    const place = async (host: string) => (await (await fetch(`${result.reconcilerUrl}/hosts/${host}`)).text()).match(/<div id="rollout-place">(.*?)<\/div>/)?.[1]?.replace(/<[^>]+>/g, '');
    expect(await place('web01')).toBe('revision 3 halted: this host is in wave 2 of 2, which will not open (the rollout halted): it is served revision 2.');
    expect(await place('db01')).toBe('revision 3 halted: this host is in wave 1 of 2, and counts as a failure (rolled-back, HealthCheckError).');
  });

  it('publishes every host to etcd in the format `ogygia status` reads', async () => {
    const r = await execa('etcdctl', ['--endpoints', result.etcdEndpoint, 'get', '--prefix', '/nixos/versions/db01/'], { env: { ...process.env, ETCDCTL_API: '3' } });
    const lines = String(r.stdout).split('\n');
    const kv = Object.fromEntries(lines.flatMap((l, i) => (i % 2 === 0 ? [[l, lines[i + 1]]] : [])));
    expect(kv['/nixos/versions/db01/current']).toBe('222222222222');
    expect(kv['/nixos/versions/db01/booted']).toBe('000000000000');
    expect(JSON.parse(kv['/nixos/versions/db01/agent']!)).toMatchObject({ channel: 'prod' });
  });

  it('shows the fleet in ogygia status, from etcd, with the local host marked', () => {
    const lines = result.statusOut.split('\n');
    expect(lines[0]).toContain('etcd fleet state (/nixos/versions via');
    expect(lines[1]).toMatch(/^Host\s+⚡ current\s+🥾 booted\s+🔜 next boot$/);
    expect(lines).toContain('* web01 (local)  222222222222  000000000000  222222222222');
    expect(lines.find((l) => l.startsWith('db01'))).toMatch(/^db01\s+222222222222\s+000000000000\s+222222222222$/);
    expect(lines.find((l) => l.startsWith('web02'))).toMatch(/^web02\s+222222222222\s+000000000000\s+222222222222$/);
  });

  it('adds what each agent published with --wide: channel, revision and state', () => {
    const lines = result.statusWide.split('\n');
    const db01 = lines.find((l) => l.startsWith('db01'));
    const web02 = lines.find((l) => l.startsWith('web02'));
    expect(lines[1]).toMatch(/channel/i);
    expect(db01).toMatch(/\bprod\b/);
    expect(db01).toMatch(/rolled-back/);
    expect(web02).toMatch(/\bprod\b.*\b2\b.*applied/);
  });

  it('serves the dashboard with every host', async () => {
    const html = await (await fetch(`${result.reconcilerUrl}/`)).text();
    for (const h of HOSTS) expect(html).toContain(h);
    expect(html).toContain('rolled-back');
    expect(html).toContain('halted');
  });

  it('leaves no process behind', async () => {
    await lab.close();
    expect(pids.length).toBeGreaterThanOrEqual(6);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});

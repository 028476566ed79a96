import { rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHost, makeWorld, publishClosures, REBOOT_COMMAND, type Host, type World } from '../testkit/agent-world.js';
import { eventually } from '../testkit/eventually.js';
import { getJson, servedRevision, startTestReconciler } from '../testkit/reconciler-harness.js';
import { ReleaseChain } from '../testkit/release-chain.js';
import type { RunningReconciler } from '../reconciler/main.js';

// Reboot-aware deploys (DESIGN.md §13) end to end, all real: Nix-built systems
// whose `kernel`, `initrd` and `kernel-modules` differ, `ogygia agent --once`
// against a git channels repository or a reconciler, and the [reboot] command
// a script that records each run. A test "reboots" a host with host.boot():
// /run emptied, /run/booted-system and /run/current-system pointing at what
// the bootloader started. Then the agent starts again, as after a real boot.

const REPO = join(import.meta.dirname, '..');
let world: World;
/** K1a and K1b share kernel 6.1.1 (userland differs); K2 runs 6.6.1. */
let K1a: string, K1b: string, K2: string;

beforeAll(async () => {
  world = await makeWorld();
  [K1a, K1b, K2] = await publishClosures(world, [
    { name: 'k1a', kernel: '6.1.1' },
    { name: 'k1b', kernel: '6.1.1' },
    { name: 'k2', kernel: '6.6.1' },
  ]);
});
afterAll(async () => {
  await world?.cleanup();
});

const whenRequired = (extra = ''): string => `[reboot]\npolicy = "when-required"\ncommand = '${REBOOT_COMMAND}'\n${extra}`;

/** A channel of its own for each test, so hosts of one test never see another's releases. */
async function channel(name: string): Promise<{ publish(system: string): Promise<string> }> {
  const chain = new ReleaseChain(name, [world.releaseKey]);
  return {
    async publish(system) {
      const r = chain.next({ targets: { '*': system } });
      await world.commit(r.text, `${name} r${r.doc.release.revision}`, name);
      return r.digest;
    },
  };
}

/** A host on `name` that applied `first` and booted into it. */
async function bootedHost(hostName: string, channelName: string, first: string, toml: string, source?: string): Promise<Host> {
  const h = await makeHost(world, hostName);
  await h.writeConfig({ channel: channelName, toml, ...(source ? { source } : {}) });
  const run = await h.runOnce();
  expect(run.out?.outcome, run.stderr).toBe('applied');
  expect(await h.currentSystem()).toBe(first);
  await h.boot();
  return h;
}

/** `ogygia status --json` on the host's root, from the built CLI (bin/ogygia → dist/). */
async function localStatus(h: Host): Promise<{ current: string; booted: string; nextboot: string }> {
  const r = await execa(join(REPO, 'bin/ogygia'), ['status', '--json'], {
    env: { ...process.env, OGYGIA_ROOT: h.root, OGYGIA_CONFIG: join(h.root, 'no-config.toml'), OGYGIA_HOSTNAME: h.name },
    reject: false,
  });
  expect(r.exitCode, String(r.stderr)).toBe(0);
  const host = JSON.parse(String(r.stdout)).hosts.find((x: { local: boolean }) => x.local);
  return { current: host.current, booted: host.booted, nextboot: host.nextboot };
}

describe('reboot-aware deploys with real Nix', () => {
  it('a userland-only change never reboots; a kernel change reboots exactly once, and the host is in-sync after the boot', async () => {
    const c = await channel('kernel');
    await c.publish(K1a);
    const h = await bootedHost('web01', 'kernel', K1a, whenRequired());

    await c.publish(K1b);
    let run = await h.runOnce();
    expect([run.out?.outcome, run.exitCode], run.stderr).toEqual(['applied', 10]);
    expect(await h.currentSystem()).toBe(K1b);
    expect(await h.rebootLog()).toEqual([]);

    await c.publish(K2);
    run = await h.runOnce();
    expect([run.out?.outcome, run.exitCode], run.stderr).toEqual(['rebooting', 13]);
    expect(await h.rebootLog()).toHaveLength(1);
    expect(await h.state()).toMatchObject({ phase: 'rebooting', revision: 3, storePath: K2 });
    expect(await h.profileTarget()).toBe(K2);

    await h.boot(K2);
    run = await h.runOnce();
    expect([run.out?.outcome, run.exitCode], run.stderr).toEqual(['applied', 10]);
    expect(await h.state()).toMatchObject({ phase: 'applied', revision: 3, good: { revision: 3, storePath: K2 } });
    expect(await localStatus(h)).toEqual({ current: 'rev-k2-01234', booted: 'rev-k2-01234', nextboot: 'rev-k2-01234' });

    run = await h.runOnce();
    expect([run.out?.outcome, run.exitCode], run.stderr).toEqual(['up-to-date', 0]);
    expect(await h.rebootLog()).toHaveLength(1);
  });

  it('with policy never (or outside the window) the host stays reboot-required, and status shows the boot it waits for', async () => {
    const c = await channel('never');
    await c.publish(K1a);
    const never = await bootedHost('web02', 'never', K1a, `[reboot]\npolicy = "never"\ncommand = '${REBOOT_COMMAND}'\n`);
    // A window that opens in two hours and closes in three, in local time (it may wrap midnight).
    const hm = (h: number): string => {
      const d = new Date(Date.now() + h * 3600_000);
      return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
    };
    const later = await bootedHost('web03', 'never', K1a, whenRequired(`window = "${hm(2)}-${hm(3)}"\n`));
    // [nix] action = "boot": nothing switches now, the new system is the next boot.
    const atBoot = await bootedHost('web04', 'never', K1a, `[reboot]\npolicy = "never"\n`);
    await atBoot.writeConfig({ channel: 'never', toml: `[reboot]\npolicy = "never"\n`, nix: 'action = "boot"' });

    await c.publish(K2);
    for (const h of [never, later]) {
      const run = await h.runOnce();
      expect([run.out?.outcome, run.exitCode], run.stderr).toEqual(['reboot-required', 12]);
      expect(await h.state()).toMatchObject({ phase: 'reboot-required', revision: 2, good: { revision: 1 } });
      expect(await h.currentSystem()).toBe(K2);
      expect(await localStatus(h)).toEqual({ current: 'rev-k2-01234', booted: 'rev-k1a-0123', nextboot: 'rev-k2-01234' });
      // Polling again changes nothing and never reboots.
      const again = await h.runOnce();
      expect([again.out?.outcome, again.exitCode], again.stderr).toEqual(['up-to-date', 0]);
      expect(await h.rebootLog()).toEqual([]);
    }
    const run = await atBoot.runOnce();
    expect([run.out?.outcome, run.exitCode], run.stderr).toEqual(['reboot-required', 12]);
    expect(await atBoot.currentSystem()).toBe(K1a);
    expect(await localStatus(atBoot)).toEqual({ current: 'rev-k1a-0123', booted: 'rev-k1a-0123', nextboot: 'rev-k2-01234' });

    // The operator reboots the `never` host: the agent confirms the boot on its next start.
    await never.boot(K2);
    const confirmed = await never.runOnce();
    expect([confirmed.out?.outcome, confirmed.exitCode], confirmed.stderr).toEqual(['applied', 10]);
    expect(await never.state()).toMatchObject({ phase: 'applied', good: { revision: 2 } });
    expect(await never.rebootLog()).toEqual([]);
  });

  it('a host that boots another system reports boot-failed, quarantines the release and keeps the system that booted', async () => {
    const c = await channel('fallback');
    await c.publish(K1a);
    const h = await bootedHost('web05', 'fallback', K1a, whenRequired());
    const digest = await c.publish(K2);
    let run = await h.runOnce();
    expect([run.out?.outcome, run.exitCode], run.stderr).toEqual(['rebooting', 13]);

    // The bootloader fell back to the old generation.
    await h.boot(K1a);
    run = await h.runOnce();
    expect([run.out?.outcome, run.exitCode, run.out?.error?.code], run.stderr).toEqual(['boot-failed', 32, 'BootFailedError']);
    const s = await h.state();
    expect(s).toMatchObject({ phase: 'boot-failed', revision: 2, good: { revision: 1 } });
    expect(s.quarantined).toContain(digest);
    expect(await h.profileTarget()).toBe(K1a);
    expect(await localStatus(h)).toEqual({ current: 'rev-k1a-0123', booted: 'rev-k1a-0123', nextboot: 'rev-k1a-0123' });

    run = await h.runOnce();
    expect([run.out?.outcome, run.exitCode], run.stderr).toEqual(['quarantined', 0]);
    expect(await h.rebootLog()).toHaveLength(1);
  });

  it('killed while the reboot command runs: the restart finds no reboot happened and reboots again; after the boot it is in-sync', async () => {
    const c = await channel('crash');
    await c.publish(K1a);
    const held = `touch "$OGYGIA_ROOT/in-reboot"; while [ -e "$OGYGIA_ROOT/hold-reboot" ]; do sleep 0.05; done; ${REBOOT_COMMAND}`;
    const h = await bootedHost('web07', 'crash', K1a, `[reboot]\npolicy = "when-required"\ncommand = '${held}'\n`);
    await writeFile(join(h.root, 'hold-reboot'), '');
    await c.publish(K2);
    const agent = h.start(join(h.root, 'agent.log'));
    try {
      await eventually(async () => ((await h.state()).phase === 'rebooting' ? true : undefined), 'phase rebooting', 60_000, 50);
      await eventually(async () => ((await stat(join(h.root, 'in-reboot')).catch(() => undefined)) ? true : undefined), 'the reboot command running', 60_000, 50);
    } finally {
      await agent.stop('SIGKILL');
    }
    // The command outlives the agent (its own process group) and finishes; the machine does not go down.
    await rm(join(h.root, 'hold-reboot'));
    await eventually(async () => ((await h.rebootLog()).length === 1 ? true : undefined), 'the first reboot command to finish', 60_000, 50);

    let run = await h.runOnce();
    expect([run.out?.outcome, run.exitCode], run.stderr).toEqual(['rebooting', 13]);
    expect(run.stderr).toContain('the machine did not reboot');
    expect(await h.rebootLog()).toHaveLength(2);

    await h.boot(K2);
    run = await h.runOnce();
    expect([run.out?.outcome, run.exitCode], run.stderr).toEqual(['applied', 10]);
    expect(await h.state()).toMatchObject({ phase: 'applied', revision: 2, good: { storePath: K2 } });
    expect(await h.rebootLog()).toHaveLength(2);
  });

  it('a reboot command that fails is reported with its own error, and the host still waits for its reboot', async () => {
    const c = await channel('badcmd');
    await c.publish(K1a);
    const h = await bootedHost('web06', 'badcmd', K1a, `[reboot]\npolicy = "when-required"\ncommand = 'echo "Failed to reboot: access denied" >&2; exit 3'\n`);
    await c.publish(K2);
    const run = await h.runOnce();
    expect([run.out?.outcome, run.exitCode, run.out?.error?.code], run.stderr).toEqual(['failed', 31, 'RebootCommandError']);
    expect(run.out?.error?.message).toContain('exited with 3 and said "Failed to reboot: access denied"');
    expect(await h.state()).toMatchObject({ phase: 'reboot-required', error: { code: 'RebootCommandError' } });
  });
});

describe('reboot slots from a real reconciler', () => {
  let rec: RunningReconciler | undefined;
  afterAll(async () => {
    await rec?.stop();
  });

  it('two hosts of one channel, max 1: the second waits (429) until the first reports in-sync with booted = current', async () => {
    const c = await channel('slots');
    await c.publish(K1a);
    rec = await startTestReconciler({ source: world.repo, stateDir: join(world.dir, 'reconciler-state') });
    const url = rec.url;
    await eventually(async () => ((await servedRevision(url, 'slots')) === 1 ? true : undefined), 'the reconciler serves slots r1');
    // A window from an hour ago to an hour from now, in local time.
    const hm = (h: number): string => {
      const d = new Date(Date.now() + h * 3600_000);
      return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
    };
    const toml = whenRequired(`window = "${hm(-1)}-${hm(1)}"\n`);
    const x = await bootedHost('app01', 'slots', K1a, toml, url);
    const y = await bootedHost('app02', 'slots', K1a, toml, url);

    const digest = await c.publish(K2);
    await eventually(async () => ((await servedRevision(url, 'slots')) === 2 ? true : undefined), 'the reconciler serves slots r2');
    let run = await x.runOnce();
    expect([run.out?.outcome, run.exitCode], run.stderr).toEqual(['rebooting', 13]);
    run = await y.runOnce();
    expect([run.out?.outcome, run.exitCode], run.stderr).toEqual(['reboot-required', 12]);
    expect(await y.rebootLog()).toEqual([]);

    // The route itself: app02 asking is refused while app01 holds the one slot.
    const ask = { host: 'app02', channel: 'slots', digest, requestedAt: new Date().toISOString() };
    const busy = await getJson(`${url}/v1/hosts/app02/reboot-slot`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ask) });
    expect([busy.status, busy.body.code, busy.body.data.holders]).toEqual([429, 'RebootSlotBusyError', ['app01']]);
    expect(Number(busy.headers.get('retry-after'))).toBeGreaterThan(0);
    let hosts = (await getJson(`${url}/v1/hosts`)).body.hosts;
    expect(hosts.map((r: { host: string; state: string }) => [r.host, r.state])).toEqual([
      ['app01', 'reboot-required'],
      ['app02', 'reboot-required'],
    ]);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^ogygia_reconciler_hosts\{state="reboot-required"\} 2$/m);
    expect(metrics).toMatch(/^ogygia_reconciler_hosts\{state="boot-failed"\} 0$/m);

    await x.boot(K2);
    run = await x.runOnce();
    expect([run.out?.outcome, run.exitCode], run.stderr).toEqual(['applied', 10]);
    hosts = (await getJson(`${url}/v1/hosts`)).body.hosts;
    expect(hosts[0]).toMatchObject({ host: 'app01', state: 'in-sync', current: 'rev-k2-01234', booted: 'rev-k2-01234', applied: { revision: 2, digest } });

    run = await y.runOnce();
    expect([run.out?.outcome, run.exitCode], run.stderr).toEqual(['rebooting', 13]);
    expect(await y.rebootLog()).toHaveLength(1);
    await y.boot(K2);
    run = await y.runOnce();
    expect([run.out?.outcome, run.exitCode], run.stderr).toEqual(['applied', 10]);
    hosts = (await getJson(`${url}/v1/hosts`)).body.hosts;
    expect(hosts.map((r: { host: string; state: string; booted: string; current: string }) => [r.host, r.state, r.booted === r.current])).toEqual([
      ['app01', 'in-sync', true],
      ['app02', 'in-sync', true],
    ]);
    expect(await x.rebootLog()).toHaveLength(1);
  });
});

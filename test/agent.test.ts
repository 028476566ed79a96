import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAILED_SWITCH_LINE } from '../testkit/nix.js';
import { ReleaseChain } from '../testkit/release-chain.js';
import { makeHost, makeWorld, publishClosures, type World } from '../testkit/agent-world.js';

// The agent end to end with real Nix (as root), real git and signed releases:
// happy path, health-failure rollback + quarantine, replay refusal.
let world: World;
let A: string, B: string, C: string, D: string, F: string;

beforeAll(async () => {
  world = await makeWorld();
  [A, B, C, D, F] = await publishClosures(world, [{ name: 'a' }, { name: 'b' }, { name: 'c', healthy: false }, { name: 'd' }, { name: 'f', failSwitch: true }]);
});
afterAll(async () => {
  await world?.cleanup();
});

describe('agent with real Nix', () => {
  it('applies A then B, rolls back an unhealthy C and quarantines it, applies D, refuses a replay of B', async () => {
    const h = await makeHost(world, 'web01');
    const r1 = world.chain.next({ targets: { '*': A } });
    await world.commit(r1.text, 'r1');
    let run = await h.runOnce();
    expect(run.out?.outcome, run.stderr).toBe('applied');
    expect(run.exitCode).toBe(10);
    expect(await h.profileTarget()).toBe(A);
    expect(await h.currentSystem()).toBe(A);
    expect(await h.switchLog()).toEqual([`switch ${A}`]);

    const r2 = world.chain.next({ targets: { '*': B } });
    await world.commit(r2.text, 'r2');
    run = await h.runOnce();
    expect(run.exitCode, run.stderr).toBe(10);
    expect(await h.profileTarget()).toBe(B);
    expect(await h.currentSystem()).toBe(B);

    // Nothing new: exit 0 and no switch.
    run = await h.runOnce();
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.out?.outcome).toBe('up-to-date');

    const r3 = world.chain.next({ targets: { '*': C } });
    await world.commit(r3.text, 'r3 unhealthy');
    run = await h.runOnce();
    expect(run.exitCode, run.stderr).toBe(30);
    expect(run.out?.error?.code).toBe('HealthCheckError');
    expect(await h.profileTarget()).toBe(B);
    expect(await h.currentSystem()).toBe(B);
    expect((await h.switchLog()).slice(-2)).toEqual([`switch ${C}`, `switch ${B}`]);
    const s3 = await h.state();
    expect(s3).toMatchObject({ phase: 'rolled-back', revision: 3, previousStorePath: B });
    expect(s3.quarantined).toContain(r3.digest);

    // C is not retried.
    const before = (await h.switchLog()).length;
    run = await h.runOnce();
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.out?.outcome).toBe('quarantined');
    expect((await h.switchLog()).length).toBe(before);

    const r4 = world.chain.next({ targets: { '*': D } });
    await world.commit(r4.text, 'r4');
    run = await h.runOnce();
    expect(run.exitCode, run.stderr).toBe(10);
    expect(await h.profileTarget()).toBe(D);
    expect(await h.state()).toMatchObject({ phase: 'applied', revision: 4 });

    // Replay: the old signed B file committed again on top.
    await world.commit(r2.text, 'replay r2');
    run = await h.runOnce();
    expect(run.exitCode, run.stderr).toBe(20);
    expect(run.out?.error?.code).toBe('ReplayError');
    expect(await h.profileTarget()).toBe(D);
    expect(await h.currentSystem()).toBe(D);
  });

  it('rolls back a failing switch-to-configuration to the previous system and runs its switch', async () => {
    const h = await makeHost(world, 'web01');
    const chain = new ReleaseChain('prod', [world.releaseKey]);
    await world.commit(chain.next({ targets: { '*': A } }).text, 'A');
    expect((await h.runOnce()).exitCode).toBe(10);
    await world.commit(chain.next({ targets: { '*': F } }).text, 'F fails to switch');
    const run = await h.runOnce();
    expect(run.exitCode, run.stderr).toBe(30);
    expect(run.out?.error?.code).toBe('SwitchError');
    // The switch's own error line, not only "exited with 4", in the --once output, the log and the state.
    expect(run.out?.error?.message).toContain(`exited with 4 and said "${FAILED_SWITCH_LINE}"`);
    expect(run.stderr).toContain(FAILED_SWITCH_LINE);
    expect(((await h.state()).error as { message: string }).message).toContain(FAILED_SWITCH_LINE);
    expect(await h.profileTarget()).toBe(A);
    expect(await h.currentSystem()).toBe(A);
    expect(await h.switchLog()).toEqual([`switch ${A}`, `switch ${F}`, `switch ${A}`]);
    expect(await h.state()).toMatchObject({ phase: 'rolled-back', error: { code: 'SwitchError' }, good: { storePath: A } });
  });

  it('applies to a root that has no profiles directory yet, creating it', async () => {
    const h = await makeHost(world, 'web01');
    await rm(join(h.root, 'nix'), { recursive: true, force: true });
    await world.commit(new ReleaseChain('prod', [world.releaseKey]).next({ targets: { '*': A } }).text, 'A on a new root');
    const run = await h.runOnce();
    expect(run.exitCode, run.stderr).toBe(10);
    expect(await h.profileTarget()).toBe(A);
    expect(await h.currentSystem()).toBe(A);
  });

  it('a health command that hangs times out and rolls back (StepTimeoutError)', async () => {
    const h = await makeHost(world, 'web01');
    const chain = new ReleaseChain('prod', [world.releaseKey]);
    await world.commit(chain.next({ targets: { '*': A } }).text, 'A');
    expect((await h.runOnce()).exitCode).toBe(10);
    await h.writeConfig({ toml: '' });
    await writeFile(h.configFile, (await readFile(h.configFile, 'utf8')).replace('timeout_seconds = 30', 'timeout_seconds = 1'));
    await writeFile(join(h.root, 'hold-health'), '');
    await world.commit(chain.next({ targets: { '*': B } }).text, 'B, health hangs');
    const t0 = Date.now();
    const run = await h.runOnce();
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(run.exitCode, run.stderr).toBe(30);
    expect(run.out?.error?.code).toBe('StepTimeoutError');
    expect(await h.profileTarget()).toBe(A);
    expect(await h.currentSystem()).toBe(A);
  });

  it('a health command is judged by its own exit: a background child neither fails it nor hangs the agent', async () => {
    const h = await makeHost(world, 'web01');
    const chain = new ReleaseChain('prod', [world.releaseKey]);
    const setHealth = async (command: string): Promise<void> => {
      const text = await readFile(h.configFile, 'utf8');
      await writeFile(h.configFile, text.replace(/^command = .*$/m, `command = ${JSON.stringify(command)}`).replace('timeout_seconds = 30', 'timeout_seconds = 3'));
    };
    // A child that keeps stdout open past the timeout: healthy, not a timeout.
    await setHealth(`sleep 30 & echo $! > "$OGYGIA_ROOT/bg.pid"; echo healthy; exit 0`);
    await world.commit(chain.next({ targets: { '*': A } }).text, 'A, health leaves a child');
    let run = await h.runOnce();
    expect(run.exitCode, run.stderr).toBe(10);
    expect(run.out?.outcome).toBe('applied');
    // A child that escapes the process group: the step ends, the child is stopped.
    await setHealth(`setsid sleep 1000 > /dev/null 2>&1 & echo $! > "$OGYGIA_ROOT/escaped.pid"; exit 0`);
    await world.commit(chain.next({ targets: { '*': B } }).text, 'B, health escapes a child');
    run = await h.runOnce();
    expect(run.exitCode, run.stderr).toBe(10);
    expect(await h.profileTarget()).toBe(B);
    for (const f of ['bg.pid', 'escaped.pid']) {
      const pid = Number((await readFile(join(h.root, f), 'utf8')).trim());
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
      expect(stat === '' || / Z /.test(stat), `${f}: process ${pid} still runs`).toBe(true);
    }
  });

  it('host identity: a target in another case is this host; a look-alike name is refused, never defaulted to "*"', async () => {
    const fqdn = await makeHost(world, 'web01.example.com');
    const chain = new ReleaseChain('prod', [world.releaseKey]);
    await world.commit(chain.next({ targets: { '*': A, web01: B } }).text, 'web01 by its short name');
    const run = await fqdn.runOnce();
    expect(run.exitCode, run.stderr).toBe(20);
    expect(run.out?.error?.code).toBe('AmbiguousHostError');
    expect(run.out?.error?.message).toContain('"web01"');
    expect(await fqdn.profileTarget()).toBeNull();
    const upper = await makeHost(world, 'web01');
    await world.commit(new ReleaseChain('prod', [world.releaseKey]).next({ targets: { '*': A, WEB01: B } }).text, 'WEB01');
    const run2 = await upper.runOnce();
    expect(run2.exitCode, run2.stderr).toBe(10);
    expect(await upper.profileTarget()).toBe(B);
  });

  it('--dry-run verifies and plans without touching the system', async () => {
    const h = await makeHost(world, 'web01');
    await world.commit(new ReleaseChain('prod', [world.releaseKey]).next({ targets: { '*': B } }).text, 'dry');
    const run = await h.runOnce(['--dry-run']);
    expect(run.exitCode, run.stderr).toBe(11);
    expect(run.out?.outcome).toBe('would-apply');
    expect(await h.profileTarget()).toBeNull();
    expect(await h.switchLog()).toEqual([]);
    await expect(h.state()).rejects.toThrow();
  });

  it('--check-config accepts a good file and lists every problem of a bad one', async () => {
    const h = await makeHost(world, 'web01');
    const cli = (args: string[]) =>
      execa('node', ['--import', 'tsx', 'testkit/run-cli.ts', ...args], { reject: false, cwd: new URL('..', import.meta.url).pathname });
    const ok = await cli(['agent', '--check-config', h.configFile]);
    expect(ok.exitCode, String(ok.stderr)).toBe(0);
    const bad = join(h.root, 'bad.toml');
    await writeFile(bad, 'channel = "Prod"\nsource = "ftp://x"\n');
    const r = await cli(['agent', '--check-config', bad]);
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr)).toMatch(/channel: /);
    expect(String(r.stderr)).toMatch(/source: /);
    expect(String(r.stderr)).toMatch(/trust: /);
  });
});

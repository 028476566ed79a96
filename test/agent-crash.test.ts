import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveBinaryCache, type HttpBinaryCache } from '../testkit/binary-cache-http.js';
import { makeHost, makeWorld, publishClosures, type Host, type World } from '../testkit/agent-world.js';
import { ReleaseChain } from '../testkit/release-chain.js';
import { eventually } from '../testkit/eventually.js';

// SIGKILL of the agent at each step of an apply, then a restart: the host
// converges (profile, /run/current-system and state agree) with no half-applied state.
let world: World;
let cache: HttpBinaryCache;
let A: string, B: string, Bh: string;

beforeAll(async () => {
  world = await makeWorld();
  [A, B, Bh] = await publishClosures(world, [{ name: 'a' }, { name: 'b' }, { name: 'b-held', holdFile: 'hold-switch' }]);
  cache = await serveBinaryCache(world.cacheUrl.slice('file://'.length));
});
afterAll(async () => {
  await cache?.stop();
  await world?.cleanup();
});

const waitFor = <T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> => eventually(f, what, timeoutMs, 50);

async function phaseIs(h: Host, phase: string): Promise<true | undefined> {
  return (await h.state()).phase === phase ? true : undefined;
}

/** A host on A (applied), with a second release to `second` committed and not yet applied. */
async function hostOnA(second: string, useHttpCache = false): Promise<{ h: Host; digest: string }> {
  const h = await makeHost(world, 'web01');
  if (useHttpCache) await h.writeConfig({ toml: '' });
  const chain = new ReleaseChain('prod', [world.releaseKey]);
  await world.commit(chain.next({ targets: { '*': A } }).text, 'A');
  const r = await h.runOnce();
  expect(r.exitCode, r.stderr).toBe(10);
  const next = chain.next({ targets: { '*': second } });
  await world.commit(next.text, 'second');
  return { h, digest: next.digest };
}

async function expectConverged(h: Host, storePath: string, revision: number): Promise<void> {
  expect(await h.profileTarget()).toBe(storePath);
  expect(await h.currentSystem()).toBe(storePath);
  expect(await h.state()).toMatchObject({ phase: 'applied', revision, storePath, good: { storePath } });
}

describe('agent killed mid-apply', () => {
  it('during nix copy (stalled download): restart re-runs the copy and applies', async () => {
    const { h } = await hostOnA(B);
    await h.writeConfig({ toml: '' });
    // Serve the cache over HTTP and stall it.
    const toml = (await readFile(h.configFile, 'utf8')).replace(world.cacheUrl, cache.url);
    await writeFile(h.configFile, toml);
    cache.hold();
    const agent = h.start(join(h.root, 'agent.log'));
    try {
      await waitFor('copying', () => phaseIs(h, 'copying'));
      await waitFor('a cache request', async () => (cache.requests.length > 0 ? true : undefined));
    } finally {
      await agent.stop('SIGKILL');
    }
    cache.release();
    const r = await h.runOnce();
    expect(r.exitCode, r.stderr).toBe(10);
    await expectConverged(h, B, 2);
  });

  it('during the switch: the detached switch finishes, the restart switches again idempotently and health-checks', async () => {
    const { h } = await hostOnA(Bh);
    await writeFile(join(h.root, 'hold-switch'), '');
    const agent = h.start(join(h.root, 'agent.log'));
    try {
      await waitFor('switching', () => phaseIs(h, 'switching'));
    } finally {
      await agent.stop('SIGKILL');
    }
    await rm(join(h.root, 'hold-switch'));
    const r = await h.runOnce();
    expect(r.exitCode, r.stderr).toBe(10);
    expect(r.stderr).toMatch(/recovering from a stop during switching/);
    await expectConverged(h, Bh, 2);
    expect((await h.state()).resumes).toBe(0);
  });

  it('during the health check: the restart checks health again', async () => {
    const { h } = await hostOnA(B);
    await writeFile(join(h.root, 'hold-health'), '');
    const agent = h.start(join(h.root, 'agent.log'));
    try {
      await waitFor('health-checking', () => phaseIs(h, 'health-checking'));
    } finally {
      await agent.stop('SIGKILL');
    }
    await rm(join(h.root, 'hold-health'));
    const r = await h.runOnce();
    expect(r.exitCode, r.stderr).toBe(10);
    expect(r.stderr).toMatch(/recovering from a stop during health-checking of revision 2: recheck-health/);
    await expectConverged(h, B, 2);
  });

  it('right after setting the profile (state written, switch not started): the restart finishes the apply', async () => {
    const { h } = await hostOnA(B);
    // Let the apply run fully, then put the host back to "killed after the profile step": profile on B, system on A.
    const r0 = await h.runOnce();
    expect(r0.exitCode).toBe(10);
    const s = await h.state();
    await writeFile(join(h.stateDir, 'state.json'), JSON.stringify({ ...s, phase: 'setting-profile', good: { ...(s.good as object), storePath: A, revision: 1 } }));
    await rm(join(h.root, 'run/current-system'));
    const r = await h.runOnce();
    expect(r.exitCode, r.stderr).toBe(10);
    await expectConverged(h, B, 2);
  });

  it('during a rollback: the restart finishes the rollback and keeps the digest quarantined', async () => {
    const { h, digest } = await hostOnA(B);
    const r0 = await h.runOnce();
    expect(r0.exitCode).toBe(10);
    const s = await h.state();
    await writeFile(
      join(h.stateDir, 'state.json'),
      JSON.stringify({ ...s, phase: 'rolling-back', previousStorePath: A, quarantined: [digest], error: { code: 'HealthCheckError', message: 'x' } }),
    );
    const r = await h.runOnce();
    expect(r.exitCode, r.stderr).toBe(30);
    expect(await h.profileTarget()).toBe(A);
    expect(await h.currentSystem()).toBe(A);
    expect(await h.state()).toMatchObject({ phase: 'rolled-back', quarantined: [digest] });
    // And the quarantined head is not retried.
    expect((await h.runOnce()).out?.outcome).toBe('quarantined');
  });

  it('a switch that keeps getting interrupted is rolled back instead of looping', async () => {
    const { h } = await hostOnA(B);
    const r0 = await h.runOnce();
    expect(r0.exitCode).toBe(10);
    const s = await h.state();
    await writeFile(join(h.stateDir, 'state.json'), JSON.stringify({ ...s, phase: 'switching', previousStorePath: A, resumes: 2 }));
    const r = await h.runOnce();
    expect(r.exitCode, r.stderr).toBe(30);
    expect(await h.profileTarget()).toBe(A);
    expect((await h.state()).error).toMatchObject({ code: 'InterruptedApplyError' });
  });

  it('a corrupt state file is reported, treated as nothing applied, and the replay floor still holds', async () => {
    const h = await makeHost(world, 'web01');
    const chain = new ReleaseChain('prod', [world.releaseKey]);
    const r1 = chain.next({ targets: { '*': A } });
    await world.commit(r1.text, 'A');
    expect((await h.runOnce()).exitCode).toBe(10);
    await world.commit(chain.next({ targets: { '*': B } }).text, 'B');
    expect((await h.runOnce()).exitCode).toBe(10);
    await writeFile(join(h.stateDir, 'state.json'), '{"spec":1,"pha');
    await world.commit(r1.text, 'replay A');
    const r = await h.runOnce();
    expect(r.stderr).toContain('StateCorruptError');
    expect(r.exitCode, r.stderr).toBe(20);
    expect(r.out?.error?.code).toBe('ReplayError');
    expect(await h.profileTarget()).toBe(B);
  });

  it('a corrupt replay floor stops applies with its own code, naming the file, until an operator removes it', async () => {
    const { h } = await hostOnA(B);
    const floorFile = join(h.stateDir, 'replay-floor.json');
    await writeFile(floorFile, '{"channel":"prod","revision":');
    const r = await h.runOnce();
    expect(r.exitCode, r.stderr).toBe(31);
    expect(r.out?.error?.code).toBe('ReplayFloorCorruptError');
    expect(r.out?.error?.message).toContain(floorFile);
    expect(r.stderr).toContain('ReplayFloorCorruptError');
    expect(await h.profileTarget()).toBe(A);
    expect(await readFile(floorFile, 'utf8')).toBe('{"channel":"prod","revision":');
    await rm(floorFile);
    const again = await h.runOnce();
    expect(again.exitCode, again.stderr).toBe(10);
    await expectConverged(h, B, 2);
  });
});

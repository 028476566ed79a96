import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPublicKey } from '../core/keys.js';
import { isValidStorePath } from '../testkit/nix.js';
import { makeHost, makeWorld, publishClosures, type World } from '../testkit/agent-world.js';
import { testKey } from '../testkit/keys.js';
import { ReleaseChain, tamper } from '../testkit/release-chain.js';

// Every refusal of DESIGN.md §5 through the real CLI, and closures the Nix
// cache cannot vouch for: each refused by its code, nothing applied.
let world: World;
let A: string, U: string, W: string;

beforeAll(async () => {
  world = await makeWorld();
  [A, U, W] = await publishClosures(world, [{ name: 'a' }, { name: 'unsigned', sign: 'none' }, { name: 'wrongsig', sign: 'wrong' }]);
});
afterAll(async () => {
  await world?.cleanup();
});

async function expectRefused(text: string, code: string, trust?: string): Promise<void> {
  const h = await makeHost(world, 'web01');
  if (trust) await h.writeConfig({ trust });
  await world.commit(text, `refusal ${code}`);
  const run = await h.runOnce();
  expect(run.exitCode, run.stderr).toBe(20);
  expect(run.out?.outcome).toBe('refused');
  expect(run.out?.error?.code).toBe(code);
  expect(run.stderr).toContain(`[${code}]`);
  expect(await h.profileTarget()).toBeNull();
  expect(await h.switchLog()).toEqual([]);
}

describe('agent refusals', () => {
  const ops1 = () => world.releaseKey;
  it('wrong channel', async () => {
    const r = new ReleaseChain('staging', [ops1()]).next({ targets: { '*': A } });
    await expectRefused(r.text, 'WrongChannelError');
  });
  it('wrong host', async () => {
    const r = new ReleaseChain('prod', [ops1()]).next({ targets: { web02: A } });
    await expectRefused(r.text, 'HostNotTargetedError');
  });
  it('expired', async () => {
    const r = new ReleaseChain('prod', [ops1()]).next({
      targets: { '*': A },
      issuedAt: new Date('2020-01-01T00:00:00Z'),
      expiresAt: new Date('2020-02-01T00:00:00Z'),
    });
    await expectRefused(r.text, 'ExpiredReleaseError');
  });
  it('threshold not met', async () => {
    const ops2 = testKey('test-only-ops-2');
    const r = new ReleaseChain('prod', [ops1()]).next({ targets: { '*': A } });
    const trust = `[trust]\nkeys = ["${formatPublicKey(ops1().publicKey)}", "${formatPublicKey(ops2.publicKey)}"]\nthreshold = 2`;
    await expectRefused(r.text, 'ThresholdNotMetError', trust);
  });
  it('unknown key', async () => {
    const r = new ReleaseChain('prod', [testKey('test-only-intruder')]).next({ targets: { '*': A } });
    await expectRefused(r.text, 'UnknownKeyError');
  });
  it('tampered release (signature does not verify)', async () => {
    const r = new ReleaseChain('prod', [ops1()]).next({ targets: { '*': A } });
    const tampered = tamper(r, (release) => ({ ...release, targets: { '*': { storePath: U } } }));
    await expectRefused(tampered.text, 'BadSignatureError');
  });
  it('oversize file', async () => {
    const r = new ReleaseChain('prod', [ops1()]).next({ targets: { '*': A } });
    await expectRefused(r.text + ' '.repeat(64 * 1024), 'OversizeError');
  });
});

describe('closures the cache cannot vouch for', () => {
  for (const [label, path] of [
    ['unsigned', () => U],
    ['signed by a key Nix does not trust', () => W],
  ] as const) {
    it(`${label}: nix copy fails and nothing changes`, async () => {
      const h = await makeHost(world, 'web01');
      const chain = new ReleaseChain('prod', [world.releaseKey]);
      await world.commit(chain.next({ targets: { '*': A } }).text, 'A');
      expect((await h.runOnce()).exitCode).toBe(10);
      const bad = chain.next({ targets: { '*': path() } });
      await world.commit(bad.text, label);
      const run = await h.runOnce();
      expect(run.exitCode, run.stderr).toBe(31);
      expect(run.out?.error?.code).toBe('NixCopyError');
      expect(run.stderr).toMatch(/lacks a valid signature|signature/);
      expect(await isValidStorePath(path())).toBe(false);
      expect(await h.profileTarget()).toBe(A);
      expect(await h.currentSystem()).toBe(A);
      expect(await h.switchLog()).toEqual([`switch ${A}`]);
      expect(await h.state()).toMatchObject({ phase: 'failed', revision: 2, storePath: path(), good: { storePath: A } });
      // Not quarantined: nothing changed, so a later poll tries again (the cache may be fixed).
      expect((await h.state()).quarantined).toEqual([]);
    });
  }
});


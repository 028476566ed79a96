import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPublicKey } from '../core/keys.js';
import { makeHost, makeWorld, type World } from '../testkit/agent-world.js';
import { eventually } from '../testkit/eventually.js';
import { testKey } from '../testkit/keys.js';
import { getJson, startTestReconciler } from '../testkit/reconciler-harness.js';
import { ReleaseChain } from '../testkit/release-chain.js';
import { storePath } from '../testkit/store-paths.js';

// One release, three verifiers, one answer (issue 12): the real agent
// (`ogygia agent --once` on a git source), the real reconciler (its
// `GET /v1/channels`) and `ogygia verify` (bin/ogygia, built by `npm ci`)
// read the same channels repository with the same trusted key, and must
// refuse each release below with the same code. No step is simulated.

const BIN = join(import.meta.dirname, '..', 'bin', 'ogygia');
const A = storePath('a');
const DECOY = storePath('decoy');

let world: World;
let trustToml: string;

beforeAll(async () => {
  world = await makeWorld();
  trustToml = join(world.dir, 'trust.toml');
  await writeFile(trustToml, `[trust]\nkeys = ["${formatPublicKey(world.releaseKey.publicKey)}"]\nthreshold = 1\n`);
});
afterAll(async () => {
  await world?.cleanup();
});

/** A release of prod signed by the world's trusted key, as `ogygia publish` writes it. */
function trusted(): string {
  return new ReleaseChain('prod', [world.releaseKey]).next({ targets: { '*': A } }).text;
}

const cases: ReadonlyArray<{ name: string; text: () => string; code: string }> = [
  {
    name: 'a release signed only by an untrusted key',
    text: () => new ReleaseChain('prod', [testKey('test-only-intruder')]).next({ targets: { '*': A } }).text,
    code: 'UnknownKeyError',
  },
  {
    // A reviewer reads the decoy first; JSON.parse keeps the last "*", which is what was signed.
    name: 'a channel file with a duplicate member name',
    text: () => trusted().replace('"targets": {', `"targets": {\n      "*": { "storePath": "${DECOY}" },`),
    code: 'DuplicateMemberError',
  },
  {
    // Once dropped silently while parsing targets, so the signature still held over the rest.
    name: 'a channel file with a __proto__ member in targets',
    text: () => trusted().replace('"targets": {', `"targets": {\n      "__proto__": { "storePath": "${DECOY}" },`),
    code: 'ForbiddenMemberError',
  },
];

async function agentCode(): Promise<string | undefined> {
  const host = await makeHost(world, 'web01');
  const run = await host.runOnce();
  expect(run.exitCode, run.stderr).toBe(20);
  expect(run.out?.outcome).toBe('refused');
  expect(await host.profileTarget()).toBeNull(); // nothing applied
  expect(await host.switchLog()).toEqual([]);
  return run.out?.error?.code;
}

async function reconcilerCode(name: string): Promise<string> {
  const rec = await startTestReconciler({
    source: world.repo,
    stateDir: join(world.dir, `reconciler-${name.replace(/\W+/g, '-')}`),
    extra: { trust: { keys: [formatPublicKey(world.releaseKey.publicKey)], threshold: 1 } },
  });
  try {
    const row = await eventually(async () => {
      const list = await getJson(`${rec.url}/v1/channels`);
      return (list.body.channels as Array<{ name: string; refusal: { code: string } | null }>).find((c) => c.name === 'prod' && c.refusal);
    }, 'a refusal of prod in GET /v1/channels');
    expect((await fetch(`${rec.url}/v1/channels/prod`)).status).toBe(404); // refused, and nothing older to serve
    return row.refusal!.code;
  } finally {
    await rec.stop();
  }
}

async function verifyCodes(): Promise<string[]> {
  const r = await execa(BIN, ['verify', '--repo', world.repo, '--trust', trustToml, '--json'], { reject: false, stdin: 'ignore' });
  expect(r.exitCode, String(r.stderr)).toBe(1);
  const j = JSON.parse(String(r.stdout)) as { channels: Array<{ channel: string; problems: Array<{ code: string }> }> };
  return j.channels.find((c) => c.channel === 'prod')!.problems.map((p) => p.code);
}

describe('one verifier: agent, reconciler and `ogygia verify` give the same refusal', () => {
  it('accepts the trusted release in all three (the refusals below are not a broken setup)', async () => {
    await world.commit(trusted(), 'a good release');
    const r = await execa(BIN, ['verify', '--repo', world.repo, '--trust', trustToml], { reject: false, stdin: 'ignore' });
    expect(r.exitCode, String(r.stdout)).toBe(0);
    const rec = await startTestReconciler({
      source: world.repo,
      stateDir: join(world.dir, 'reconciler-good'),
      extra: { trust: { keys: [formatPublicKey(world.releaseKey.publicKey)], threshold: 1 } },
    });
    try {
      const served = await eventually(async () => {
        const res = await getJson(`${rec.url}/v1/channels/prod`);
        return res.status === 200 ? res : undefined;
      }, 'prod served');
      expect(served.body.document.release.targets['*'].storePath).toBe(A);
    } finally {
      await rec.stop();
    }
    // The agent verifies it and goes on to copy the (fake) closure: past verification, so not "refused".
    const run = await (await makeHost(world, 'web01')).runOnce();
    expect(run.out?.outcome, run.stderr).not.toBe('refused');
    expect(run.out?.error?.code).toBe('NixCopyError');
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    await world.commit(c.text(), c.name);
    const agent = await agentCode();
    const reconciler = await reconcilerCode(c.name);
    const verify = await verifyCodes();
    expect({ agent, reconciler, verify: verify[0] }).toEqual({ agent: c.code, reconciler: c.code, verify: c.code });
  });

  it('`ogygia verify` may list more after the refusal: the untrusted key, then the threshold', async () => {
    await world.commit(cases[0]!.text(), 'untrusted again');
    expect(await verifyCodes()).toEqual(['UnknownKeyError', 'ThresholdNotMetError']);
  });
});

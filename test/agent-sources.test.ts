import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveBinaryCache } from './support/binary-cache-http.js';
import { startFakeReconciler } from './support/fake-reconciler.js';
import { startGitHttpServer } from './support/git-http.js';
import { freePort } from './support/ports.js';
import { makeHost, makeWorld, publishClosures, type World } from './support/agent-world.js';
import { ReleaseChain } from './support/releases.js';

// Sources over the network: a git mirror over smart HTTP (force-push refused),
// the reconciler API (down, then up: the agent keeps retrying and applies),
// and a stalled binary cache (the copy times out instead of hanging).
let world: World;
let A: string, B: string, C: string;

beforeAll(async () => {
  world = await makeWorld();
  [A, B, C] = await publishClosures(world, [{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
});
afterAll(async () => {
  await world?.cleanup();
});

const git = (...args: string[]) => execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@t.invalid', ...args]);

async function waitFor<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('git mirror source (git+http://, isomorphic-git)', () => {
  it('applies releases from the mirror and refuses a force-pushed rewind with NotDescendantError', async () => {
    const served = join(world.dir, 'served');
    await execa('git', ['init', '-q', '--bare', '-b', 'main', join(served, 'channels.git')]);
    const srv = await startGitHttpServer(served);
    try {
      await git('-C', world.repo, 'remote', 'add', 'mirror', `${srv.url}/channels.git`);
      const chain = new ReleaseChain('prod', [world.releaseKey]);
      const r1 = chain.next({ targets: { '*': A } });
      await world.commit(r1.text, 'r1');
      const r2 = chain.next({ targets: { '*': B } });
      await world.commit(r2.text, 'r2');
      await git('-C', world.repo, 'push', '-q', 'mirror', 'HEAD:main');
      const h = await makeHost(world, 'web01');
      await h.writeConfig({ source: `git+${srv.url}/channels.git` });
      let run = await h.runOnce();
      expect(run.exitCode, run.stderr).toBe(10);
      expect(await h.profileTarget()).toBe(B);

      // Rewrite history: amend r2's commit, add a valid r3 on top, force-push. r3 chains by digest but not by commit.
      await git('-C', world.repo, 'commit', '-q', '--amend', '-m', 'r2 rewritten');
      const r3 = chain.next({ targets: { '*': C } });
      await world.commit(r3.text, 'r3 on rewritten history');
      await git('-C', world.repo, 'push', '-q', '--force', 'mirror', 'HEAD:main');
      run = await h.runOnce();
      expect(run.exitCode, run.stderr).toBe(20);
      expect(run.out?.error?.code).toBe('NotDescendantError');
      expect(await h.profileTarget()).toBe(B);

      // Publishing on top of the applied commit again is accepted.
    } finally {
      await srv.stop();
    }
  });
});

describe('reconciler source (HTTP API)', () => {
  it('keeps retrying while the reconciler is down, applies once it is up, reports, and stops cleanly on SIGTERM', async () => {
    const chain = new ReleaseChain('prod', [world.releaseKey]);
    await world.commit(chain.next({ targets: { '*': A } }).text, 'reconciler r1');
    const port = await freePort();
    const h = await makeHost(world, 'web01');
    const tokenFile = join(h.root, 'report-token');
    await writeFile(tokenFile, 'test-only-token\n');
    await h.writeConfig({ source: `http://127.0.0.1:${port}`, top: 'wait_seconds = 2', toml: `[report]\ntoken_file = "${tokenFile}"` });
    const log = join(h.root, 'agent.log');
    const agent = h.start(log);
    let rec;
    try {
      await waitFor('two failed fetches', async () => {
        const text = await readFile(log, 'utf8');
        return (text.match(/Cannot fetch channel prod/g) ?? []).length >= 2 ? true : undefined;
      });
      expect(await h.profileTarget()).toBeNull();
      rec = await startFakeReconciler({ dir: world.repo }, { port, token: 'test-only-token' });
      await waitFor('applied', async () => ((await h.state()).phase === 'applied' ? true : undefined));
      expect(await h.profileTarget()).toBe(A);
      const reconciler = rec;
      await waitFor('an applied report', async () => (reconciler.reports.some((r) => r.state === 'applied') ? true : undefined));
      const applied = reconciler.reports.find((r) => r.state === 'applied')!;
      expect(applied).toMatchObject({ host: 'web01', channel: 'prod', revision: 1, current: 'rev-a-012345', nextboot: 'rev-a-012345' });
      // While the reconciler was down only the newest snapshot was kept, so the first delivered is already 'applied'.
      expect(applied.timings?.total).toBeGreaterThan(0);

      // A new release reaches the agent through the long-poll.
      await world.commit(chain.next({ targets: { '*': B } }).text, 'reconciler r2');
      await waitFor('B applied', async () => ((await h.state()).revision === 2 && (await h.state()).phase === 'applied' ? true : undefined));
      expect(await h.currentSystem()).toBe(B);
      await waitFor('reports for revision 2', async () =>
        reconciler.reports.some((r) => r.revision === 2 && r.state === 'applied') ? true : undefined,
      );
      // With the reconciler up, the 'applying' step is reported too.
      expect(reconciler.reports.some((r) => r.revision === 2 && r.state === 'applying')).toBe(true);
    } finally {
      await agent.stop('SIGTERM');
      await rec?.stop();
    }
    expect(agent.child.exitCode).toBe(0);
    expect(await readFile(log, 'utf8')).toMatch(/agent: stopping/);
  });

  it('reports refusals to the reconciler with their code', async () => {
    const rec = await startFakeReconciler({ dir: world.repo });
    try {
      const bad = new ReleaseChain('prod', [world.releaseKey]).next({ targets: { web99: A } });
      await world.commit(bad.text, 'not for web01');
      const h = await makeHost(world, 'web01');
      await h.writeConfig({ source: rec.url });
      const run = await h.runOnce();
      expect(run.exitCode, run.stderr).toBe(20);
      expect(rec.reports.find((r) => r.state === 'refused')?.error?.code).toBe('HostNotTargetedError');
    } finally {
      await rec.stop();
    }
  });
});

describe('stalled downloads', () => {
  it('time out, are reported, and change nothing', async () => {
    const cache = await serveBinaryCache(world.cacheUrl.slice('file://'.length));
    try {
      cache.hold();
      const chain = new ReleaseChain('prod', [world.releaseKey]);
      const h = await makeHost(world, 'web01');
      const toml = (await readFile(h.configFile, 'utf8')).replace(world.cacheUrl, cache.url).replace('copy_timeout_seconds = 60', 'copy_timeout_seconds = 3');
      await writeFile(h.configFile, toml);
      // A fresh closure the local store cannot already hold.
      const [S] = await publishClosures(world, [{ name: 'stalled' }]);
      await world.commit(chain.next({ targets: { '*': S! } }).text, 'stalled');
      const t0 = Date.now();
      const run = await h.runOnce();
      expect(Date.now() - t0).toBeLessThan(30_000);
      expect(run.exitCode, run.stderr).toBe(31);
      expect(run.out?.error?.code).toBe('StepTimeoutError');
      expect(await h.profileTarget()).toBeNull();
    } finally {
      await cache.stop();
    }
  });
});

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveBinaryCache } from '../testkit/binary-cache-http.js';
import { formatPublicKey } from '../core/keys.js';
import { createLogger } from '../core/log.js';
import type { HostRow } from '../core/wire/host-row.js';
import { reconcilerConfigSchema, toReconcilerConfig } from '../reconciler/config.js';
import { startReconciler, type RunningReconciler } from '../reconciler/main.js';
import { startGitHttpServer } from '../testkit/git-http.js';
import { freePort } from '../testkit/ports.js';
import { makeHost, makeWorld, publishClosures, type World } from '../testkit/agent-world.js';
import { ReleaseChain } from '../testkit/release-chain.js';
import { eventually } from '../testkit/eventually.js';
import { git as gitIn } from '../testkit/channel-repo.js';
import { formatSecretKey, generateSecretKey } from '../core/keys.js';
import { sshFingerprint } from '../core/host-key.js';
import { sshKeygen } from '../testkit/ssh-keys.js';

// Sources over the network: a git mirror over smart HTTP (force-push refused),
// the reconciler API (down, then up: the agent keeps retrying and applies),
// and a stalled binary cache (the copy times out instead of hanging).
let world: World;
let A: string, B: string, C: string, Bad: string;

beforeAll(async () => {
  world = await makeWorld();
  [A, B, C, Bad] = await publishClosures(world, [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'bad', healthy: false }]);
});
afterAll(async () => {
  await world?.cleanup();
});

const git = (...args: string[]) => execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@t.invalid', ...args]);

const waitFor = <T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> => eventually(f, what, timeoutMs, 100);

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

describe('reconciler source (the real reconciler, HTTP API)', () => {
  async function reconciler(port: number, stateDir: string, tokenFile?: string, source = world.repo): Promise<RunningReconciler> {
    const cfg = toReconcilerConfig(
      reconcilerConfigSchema.parse({
        source,
        state_dir: stateDir,
        listen: `127.0.0.1:${port}`,
        poll_interval_seconds: 1,
        poll_jitter_seconds: 0,
        trust: { keys: [formatPublicKey(world.releaseKey.publicKey)], threshold: 1 },
        ...(tokenFile ? { reports: { token_files: [tokenFile] } } : {}),
      }),
    );
    return startReconciler(cfg, { log: createLogger('reconciler', () => {}) });
  }
  async function hostView(url: string, host: string): Promise<HostRow | undefined> {
    const r = await fetch(`${url}/v1/hosts`);
    const body = (await r.json()) as { hosts: HostRow[] };
    return body.hosts.find((h) => h.host === host);
  }

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
    let rec: RunningReconciler | undefined;
    try {
      await waitFor('two failed fetches', async () => {
        const text = await readFile(log, 'utf8');
        return (text.match(/Cannot fetch channel prod/g) ?? []).length >= 2 ? true : undefined;
      });
      expect(await h.profileTarget()).toBeNull();
      rec = await reconciler(port, join(h.root, 'reconciler-state'), tokenFile);
      await waitFor('applied', async () => ((await h.state()).phase === 'applied' ? true : undefined));
      expect(await h.profileTarget()).toBe(A);
      const url = rec.url;
      const view = await waitFor('an in-sync report', async () => {
        const v = await hostView(url, 'web01');
        return v?.state === 'in-sync' ? v : undefined;
      });
      expect(view).toMatchObject({ agentState: 'applied', applied: { revision: 1 }, current: 'rev-a-012345', nextboot: 'rev-a-012345' });

      // A new release reaches the agent through the long-poll; the reconciler sees it in sync again.
      await world.commit(chain.next({ targets: { '*': B } }).text, 'reconciler r2');
      await waitFor('B applied', async () => ((await h.state()).revision === 2 && (await h.state()).phase === 'applied' ? true : undefined));
      expect(await h.currentSystem()).toBe(B);
      await waitFor('in sync at revision 2', async () => {
        const v = await hostView(url, 'web01');
        return v?.state === 'in-sync' && v.applied.revision === 2 ? true : undefined;
      });
    } finally {
      await agent.stop('SIGTERM');
      await rec?.stop();
    }
    expect(agent.child.exitCode).toBe(0);
    expect(await readFile(log, 'utf8')).toMatch(/agent: stopping/);
  });

  it('signs its reports with the host key (ssh-keygen, or a Nix key) that ogygia enroll put in hosts.toml; an unenrolled host applies, its reports are refused', async () => {
    // A channels repository of its own: with hosts.toml on its branch, this reconciler keeps only enrolled hosts' signed reports.
    const repo = join(world.dir, 'channels-enrolled');
    await execa('git', ['init', '-q', '-b', 'main', repo]);
    const web01 = await makeHost(world, 'web01');
    const db01 = await makeHost(world, 'db01');
    const cache01 = await makeHost(world, 'cache01');
    // The agent's default key file, /etc/ssh/ssh_host_ed25519_key under its OGYGIA_ROOT, made as sshd makes it.
    const sshKey = await sshKeygen(join(web01.root, 'etc/ssh/ssh_host_ed25519_key'), 'root@web01');
    await sshKeygen(join(db01.root, 'etc/ssh/ssh_host_ed25519_key'), 'root@db01');
    const nixKey = generateSecretKey('cache01-host');
    await mkdir(join(cache01.root, 'etc/ogygia'), { recursive: true });
    await writeFile(join(cache01.root, 'etc/ogygia/host.key'), formatSecretKey(nixKey) + '\n', { mode: 0o600 });
    // Its Nix-format public key, as `ogygia keygen` prints it: `ogygia enroll` writes it as an ssh-ed25519 line.
    await writeFile(join(world.dir, 'cache01.pub'), formatPublicKey(nixKey.publicKey) + '\n');
    for (const [host, pub] of [['web01', `${sshKey.file}.pub`], ['cache01', join(world.dir, 'cache01.pub')]] as const) {
      const r = await execa('node', ['--import', 'tsx', join(import.meta.dirname, '../testkit/run-cli.ts'), 'enroll', '--repo', repo, '--host', host, '--key-file', pub], { reject: false, stdin: 'ignore' });
      expect(r.exitCode, String(r.stderr)).toBe(0);
    }
    const chain = new ReleaseChain('signed', [world.releaseKey]);
    await mkdir(join(repo, 'channels'), { recursive: true });
    await writeFile(join(repo, 'channels', 'signed.json'), chain.next({ targets: { '*': A } }).text);
    await gitIn(repo, 'add', '-A');
    await gitIn(repo, 'commit', '-qm', 'signed r1');
    const rec = await reconciler(await freePort(), join(world.dir, 'reconciler-enrolled'), undefined, repo);
    try {
      await web01.writeConfig({ source: rec.url, channel: 'signed' });
      await db01.writeConfig({ source: rec.url, channel: 'signed' });
      await cache01.writeConfig({ source: rec.url, channel: 'signed', toml: '[report]\nhost_key_file = "/etc/ogygia/host.key"' });
      const run = await web01.runOnce();
      expect(run.exitCode, run.stderr).toBe(10);
      expect(run.stderr).toContain(`signing reports with the host key ${sshKey.file} (${sshFingerprint(sshKey.key.publicKey)})`);
      const view = await waitFor('web01 in sync, signed', async () => {
        const v = await hostView(rec.url, 'web01');
        return v?.state === 'in-sync' ? v : undefined;
      });
      expect(view).toMatchObject({ agentState: 'applied', applied: { revision: 1 } });
      expect(JSON.parse(await readFile(join(web01.stateDir, 'report-seq.json'), 'utf8')).seq).toBeGreaterThan(0);

      const nix = await cache01.runOnce();
      expect(nix.exitCode, nix.stderr).toBe(10);
      await waitFor('cache01 in sync, signed with its Nix-format key', async () => ((await hostView(rec.url, 'cache01'))?.state === 'in-sync' ? true : undefined));

      // db01 has a host key but is not enrolled: it applies the release (reports never hold an apply back); its report is refused.
      const refused = await db01.runOnce();
      expect(refused.exitCode, refused.stderr).toBe(10);
      expect(refused.stderr).toMatch(/the reconciler refused a report with 403: Host "db01" is not enrolled in hosts\.toml.* \[UnenrolledHostError\]/);
      expect(await db01.profileTarget()).toBe(A);
      expect(await hostView(rec.url, 'db01')).toBeUndefined();
    } finally {
      await rec.stop();
    }
  });

  it("polls the reconciler's read-only git mirror (git+http://…/git/channels.git)", async () => {
    const port = await freePort();
    const h = await makeHost(world, 'web01');
    const rec = await reconciler(port, join(h.root, 'reconciler-state'));
    try {
      const chain = new ReleaseChain('mirror', [world.releaseKey]);
      await world.commit(chain.next({ targets: { '*': A } }).text, 'mirror r1', 'mirror');
      await waitFor('mirror channel served', async () => ((await fetch(`${rec.url}/v1/channels/mirror`)).status === 200 ? true : undefined));
      await h.writeConfig({ source: `git+${rec.url}/git/channels.git`, channel: 'mirror' });
      const run = await h.runOnce();
      expect(run.exitCode, run.stderr).toBe(10);
      expect(await h.profileTarget()).toBe(A);
      expect(await h.state()).toMatchObject({ phase: 'applied', revision: 1 });
    } finally {
      await rec.stop();
    }
  });

  it('skips revisions only along a chain: the reconciler sends the releases in between (?since), the agent checks them', async () => {
    const port = await freePort();
    const h = await makeHost(world, 'web01');
    const rec = await reconciler(port, join(h.root, 'reconciler-state'));
    try {
      await h.writeConfig({ source: rec.url, channel: 'skip' });
      const chain = new ReleaseChain('skip', [world.releaseKey]);
      await world.commit(chain.next({ targets: { '*': A } }).text, 'skip r1', 'skip');
      await waitFor('served revision 1', async () => ((await fetch(`${rec.url}/v1/channels/skip`)).status === 200 ? true : undefined));
      expect((await h.runOnce()).exitCode).toBe(10);
      // Two releases while the host is not looking.
      const r2 = chain.next({ targets: { '*': B } });
      await world.commit(r2.text, 'skip r2', 'skip');
      await world.commit(chain.next({ targets: { '*': C } }).text, 'skip r3', 'skip');
      const served = await waitFor('served revision 3', async () => {
        const b = (await (await fetch(`${rec.url}/v1/channels/skip?since=1`)).json()) as { document: { release: { revision: number } }; chain?: string[] };
        return b.document.release.revision === 3 ? b : undefined;
      });
      expect(served.chain).toEqual([r2.text]);
      const run = await h.runOnce();
      expect(run.exitCode, run.stderr).toBe(10);
      expect(await h.profileTarget()).toBe(C);
      expect(await h.state()).toMatchObject({ phase: 'applied', revision: 3 });
    } finally {
      await rec.stop();
    }
  });

  it('refuses a skip whose releases in between are not there (ChainBrokenError), from a git source', async () => {
    const h = await makeHost(world, 'web01');
    await h.writeConfig({ channel: 'gap' });
    const chain = new ReleaseChain('gap', [world.releaseKey]);
    await world.commit(chain.next({ targets: { '*': A } }).text, 'gap r1', 'gap');
    expect((await h.runOnce()).exitCode).toBe(10);
    chain.next({ targets: { '*': B } }); // revision 2 is signed but never committed
    await world.commit(chain.next({ targets: { '*': C } }).text, 'gap r3 on an unpublished r2', 'gap');
    const run = await h.runOnce();
    expect(run.exitCode, run.stderr).toBe(20);
    expect(run.out?.error?.code).toBe('ChainBrokenError');
    expect(await h.profileTarget()).toBe(A);
  });

  it('reports a refusal with its code, and a rollback with the output tail, to the reconciler', async () => {
    const port = await freePort();
    const h = await makeHost(world, 'web01');
    const rec = await reconciler(port, join(h.root, 'reconciler-state'));
    try {
      // Its own channel: the shared repository's prod channel belongs to the other tests.
      await h.writeConfig({ source: rec.url, channel: 'edge' });
      const chain = new ReleaseChain('edge', [world.releaseKey]);
      await world.commit(chain.next({ targets: { '*': A } }).text, 'A', 'edge');
      expect((await h.runOnce()).exitCode).toBe(10);
      // The reconciler serves only releases its own trust accepts, so a host refusal here is one it cannot see: wrong host.
      await world.commit(chain.next({ targets: { web99: B } }).text, 'not for web01', 'edge');
      await waitFor('served revision 2', async () => ((await (await fetch(`${rec.url}/v1/channels/edge`)).json()) as { document: { release: { revision: number } } }).document.release.revision === 2 ? true : undefined);
      const run = await h.runOnce();
      expect(run.exitCode, run.stderr).toBe(20);
      const v = await waitFor('refused report', async () => {
        const x = await hostView(rec.url, 'web01');
        return x?.agentState === 'refused' ? x : undefined;
      });
      expect(v.error?.code).toBe('HostNotTargetedError');
      expect(v.state).toBe('failed');

      await world.commit(chain.next({ targets: { '*': Bad } }).text, 'unhealthy', 'edge');
      await waitFor('served revision 3', async () => ((await (await fetch(`${rec.url}/v1/channels/edge`)).json()) as { document: { release: { revision: number } } }).document.release.revision === 3 ? true : undefined);
      const rb = await h.runOnce();
      expect(rb.exitCode, rb.stderr).toBe(30);
      const v2 = await waitFor('rolled-back report', async () => {
        const x = await hostView(rec.url, 'web01');
        return x?.agentState === 'rolled-back' ? x : undefined;
      });
      expect(v2).toMatchObject({ state: 'rolled-back', applied: { revision: 1 }, current: 'rev-a-012345', error: { code: 'HealthCheckError' } });
      expect(v2.error?.outputTail).toContain('health: system says unhealthy');
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
      await world.commit(chain.next({ targets: { "*": S } }).text, 'stalled');
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

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForPort, freePort } from '../testkit/ports.js';
import { requireProgram, startProcess } from '../testkit/processes.js';
import { makeTempDir } from '../testkit/tmp.js';
import { createChannelsRepo, type ChannelsRepo } from '../testkit/channel-repo.js';
import { eventually } from '../testkit/eventually.js';
import { testKey, testPublicKey } from '../testkit/keys.js';
import { getJson, servedRevision, startTestReconciler } from '../testkit/reconciler-harness.js';
import { ReleaseChain, type Built } from '../testkit/release-chain.js';
import type { RunningReconciler } from '../reconciler/main.js';

const BIN = fileURLToPath(new URL('../bin/ogygia', import.meta.url));

// A local repository path as the source: chokidar on its refs, an interval only as a safety net.
describe('reconciler with a local repository source', () => {
  const ops1 = testKey('test-only-ops-1');
  let tmp: { path: string; cleanup: () => Promise<void> };
  let repo: ChannelsRepo;
  let rec: RunningReconciler | undefined;
  const chain = new ReleaseChain('dev', [ops1]);
  const dev: Built[] = [];

  beforeAll(async () => {
    await requireProgram('git', 'git');
    tmp = await makeTempDir('ogygia-rec-local-');
    repo = await createChannelsRepo(tmp.path);
    dev.push(chain.next());
    await repo.publish('dev', dev[0]!.text);
  });

  afterAll(async () => {
    await rec?.stop();
    await tmp?.cleanup();
  });

  it('serves a push into the local repository through the chokidar watch (interval is an hour)', async () => {
    rec = await startTestReconciler({ source: repo.bare, stateDir: join(tmp.path, 'state') });
    expect(await servedRevision(rec.url, 'dev')).toBe(1);
    const poll = fetch(`${rec.url}/v1/channels/dev?wait=60`, { headers: { 'if-none-match': `"${dev[0]!.digest}"` } });
    dev.push(chain.next());
    const pushedAt = Date.now();
    await repo.publish('dev', dev[1]!.text);
    const r = await poll;
    const took = Date.now() - pushedAt;
    expect(r.status).toBe(200);
    expect(r.headers.get('etag')).toBe(`"${dev[1]!.digest}"`);
    console.log(`reconciler-local: push to long-poll release took ${took} ms (git push included)`);
  });

  it('sees a push after git pack-refs (packed-refs is watched too)', async () => {
    await execa('git', ['--git-dir', repo.bare, 'pack-refs', '--all']);
    dev.push(chain.next());
    await repo.publish('dev', dev[2]!.text);
    expect(await eventually(async () => ((await servedRevision(rec!.url, 'dev')) === 3 ? true : undefined), 'revision 3')).toBe(true);
  });

  it('keeps the served heads across a restart and refuses a rewind made while it was down', async () => {
    const before = (await getJson(`${rec!.url}/v1/channels`)).body;
    await rec!.stop();
    rec = undefined;
    const persisted = JSON.parse(await readFile(join(tmp.path, 'state', 'served.json'), 'utf8'));
    expect(persisted.state.heads.dev.revision).toBe(3);
    await repo.forcePush('HEAD~2'); // back to revision 1 while the reconciler is down
    rec = await startTestReconciler({ source: repo.bare, stateDir: join(tmp.path, 'state') });
    expect(await servedRevision(rec.url, 'dev')).toBe(3);
    const after = (await getJson(`${rec.url}/v1/channels`)).body;
    expect(after.branch.commit).toBe(before.branch.commit);
    expect(after.branch.refusal.code).toBe('NotDescendantError');
  });

  it('runs as `ogygia reconciler --config`, validates with --check-config, and stops on SIGTERM', async () => {
    const dir = join(tmp.path, 'cli');
    const port = await freePort();
    const toml = [
      `source = ${JSON.stringify(repo.bare)}`,
      `listen = "127.0.0.1:${port}"`,
      `state_dir = ${JSON.stringify(join(dir, 'state'))}`,
      '[trust]',
      `keys = [${JSON.stringify(testPublicKey('test-only-ops-1'))}]`,
      '[trust.channels.dev]',
      'threshold = 1',
    ].join('\n');
    await execa('mkdir', ['-p', dir]);
    await writeFile(join(dir, 'reconciler.toml'), toml + '\n');
    const check = await execa(BIN, ['reconciler', '--check-config', join(dir, 'reconciler.toml')], { reject: false });
    expect(check.exitCode).toBe(0);
    await writeFile(join(dir, 'bad.toml'), 'source = "relative/path"\nlisten = "nowhere"\nsurprise = 1\n[trust]\nkeys = []\n');
    const bad = await execa(BIN, ['reconciler', '--check-config', join(dir, 'bad.toml')], { reject: false });
    expect(bad.exitCode).toBe(1);
    expect(String(bad.stderr)).toContain('source: must be an http(s):// git remote URL or an absolute path');
    expect(String(bad.stderr)).toContain('listen: must be host:port');
    expect(String(bad.stderr)).toContain('surprise: unknown key');
    expect(String(bad.stderr)).toContain('trust.keys: must list at least one public key');

    const proc = startProcess(BIN, ['reconciler', '--config', join(dir, 'reconciler.toml')], { log: join(tmp.path, 'cli.log') });
    try {
      await waitForPort(port);
      const r = await getJson(`http://127.0.0.1:${port}/v1/channels/dev`);
      expect(r.status).toBe(200);
      expect(r.body.document.release.revision).toBe(1); // a fresh state dir follows the (rewound) branch as it is now
    } finally {
      await proc.stop('SIGTERM');
    }
    expect(proc.child.exitCode).toBe(0);
    const log = await readFile(join(tmp.path, 'cli.log'), 'utf8');
    expect(log).toMatch(/^reconciler: serving on http:\/\/127\.0\.0\.1:\d+/m);
    expect(log).toContain('reconciler: SIGTERM received, stopping');
    expect(log).toMatch(/^reconciler: stopped in \d+ ms$/m);
  });
});

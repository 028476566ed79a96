import { createHmac } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHttpServer, type GitHttpServer } from '../testkit/git-http.js';
import { requireProgram } from '../testkit/processes.js';
import { makeTempDir } from '../testkit/tmp.js';
import { createChannelsRepo, type ChannelsRepo } from '../testkit/channel-repo.js';
import { eventually } from '../testkit/eventually.js';
import { testKey } from '../testkit/keys.js';
import { getJson, servedRevision, startTestReconciler } from '../testkit/reconciler-harness.js';
import { ReleaseChain, tamper, type Built } from '../testkit/release-chain.js';
import type { RunningReconciler } from '../reconciler/main.js';

// A remote source over real git smart HTTP on loopback; the reconciler fetches with isomorphic-git.
describe('reconciler with a remote smart-HTTP source', () => {
  const ops1 = testKey('test-only-ops-1');
  const secret = 'test-webhook-secret';
  let tmp: { path: string; cleanup: () => Promise<void> };
  let srv: GitHttpServer;
  let repo: ChannelsRepo;
  let rec: RunningReconciler;
  const logs: string[] = [];
  const chain = new ReleaseChain('dev', [ops1]);
  const dev: Built[] = [];

  const hook = (body: string, sig?: string): Promise<Response> =>
    fetch(`${rec.url}/v1/hooks/git`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', ...(sig ? { 'x-hub-signature-256': sig } : {}) },
      body,
    });
  const sign = (body: string, key = secret): string => 'sha256=' + createHmac('sha256', key).update(body).digest('hex');

  beforeAll(async () => {
    await requireProgram('git', 'git');
    tmp = await makeTempDir('ogygia-rec-remote-');
    srv = await startGitHttpServer(join(tmp.path, 'remote'));
    repo = await createChannelsRepo(tmp.path, `${srv.url}/channels.git`);
    dev.push(chain.next());
    await repo.publish('dev', dev[0]!.text);
    await writeFile(join(tmp.path, 'webhook'), secret + '\n');
    rec = await startTestReconciler({
      source: `${srv.url}/channels.git`,
      stateDir: join(tmp.path, 'state'),
      logs,
      extra: { webhook: { secret_file: join(tmp.path, 'webhook') } },
    });
  });

  afterAll(async () => {
    await rec?.stop();
    await srv?.stop();
    await tmp?.cleanup();
  });

  it('serves the head fetched at start, with its ETag, commit and the document as committed', async () => {
    const r = await fetch(`${rec.url}/v1/channels/dev`);
    expect(r.status).toBe(200);
    expect(r.headers.get('etag')).toBe(`"${dev[0]!.digest}"`);
    const body = (await r.json()) as { document: unknown; commit: string; digest: string };
    expect(body.document).toEqual(JSON.parse(dev[0]!.text));
    expect(body.digest).toBe(dev[0]!.digest);
    expect(body.commit).toBe(await repo.head());
    const list = await getJson(`${rec.url}/v1/channels`);
    expect(list.body.channels).toEqual([expect.objectContaining({ name: 'dev', revision: 1, digest: dev[0]!.digest, refusal: null })]);
  });

  it('answers 304 to If-None-Match with the served digest', async () => {
    const r = await fetch(`${rec.url}/v1/channels/dev`, { headers: { 'if-none-match': `"${dev[0]!.digest}"` } });
    expect(r.status).toBe(304);
    expect(r.headers.get('etag')).toBe(`"${dev[0]!.digest}"`);
    const stale = await fetch(`${rec.url}/v1/channels/dev`, { headers: { 'if-none-match': '"sha256:old"' } });
    expect(stale.status).toBe(200);
  });

  it('answers 404 with a code for an unknown channel and 400 for an invalid name', async () => {
    const r = await getJson(`${rec.url}/v1/channels/nope`);
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('ChannelNotFoundError');
    const bad = await getJson(`${rec.url}/v1/channels/NOT_VALID`);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('InvalidChannelNameError');
    const wait = await getJson(`${rec.url}/v1/channels/dev?wait=301`);
    expect(wait.status).toBe(400);
  });

  it('refuses a webhook with a wrong or missing HMAC and does not fetch', async () => {
    dev.push(chain.next());
    await repo.publish('dev', dev[1]!.text);
    const body = JSON.stringify({ ref: 'refs/heads/main' });
    const wrong = await hook(body, sign(body, 'not-the-secret'));
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { code: string }).code).toBe('WebhookSignatureError');
    const missing = await hook(body);
    expect(missing.status).toBe(401);
    // The poll interval is an hour: only a valid webhook can make it fetch. Give a wrongful fetch time to show.
    await new Promise((r) => setTimeout(r, 500));
    expect(await servedRevision(rec.url, 'dev')).toBe(1);
  });

  it('fetches at once on a webhook with the right HMAC and serves the pushed head', async () => {
    const body = JSON.stringify({ ref: 'refs/heads/main', after: await repo.head() });
    const ok = await hook(body, sign(body));
    expect(ok.status).toBe(202);
    expect(await eventually(async () => ((await servedRevision(rec.url, 'dev')) === 2 ? true : undefined), 'revision 2')).toBe(true);
  });

  it('answers a replayed delivery (same id, or same signed body under a new id) and fetches nothing', async () => {
    const fetches = async (): Promise<number> =>
      Number(/ogygia_reconciler_fetch_duration_seconds_count (\d+)/.exec(await (await fetch(`${rec.url}/metrics`)).text())?.[1] ?? NaN);
    const body = JSON.stringify({ ref: 'refs/heads/main', after: await repo.head(), replayed: true });
    const deliver = (id: string): Promise<Response> =>
      fetch(`${rec.url}/v1/hooks/git`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': id, 'x-hub-signature-256': sign(body) },
        body,
      });
    const initial = await fetches();
    expect(Number.isInteger(initial)).toBe(true);
    expect((await deliver('delivery-1')).status).toBe(202);
    await eventually(async () => ((await fetches()) > initial ? true : undefined), 'the first delivery to be fetched');
    await new Promise((r) => setTimeout(r, 300));
    const before = await fetches();
    for (const id of ['delivery-1', 'delivery-1', 'delivery-2-forged']) {
      const r = await deliver(id);
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual({ fetching: false, replay: true });
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(await fetches()).toBe(before);
    expect(logs.filter((l) => l.includes('is a replay')).length).toBe(3);
  });

  it('releases every long-poll waiter on one push', async () => {
    const etag = `"${dev[1]!.digest}"`;
    const n = 200;
    const polls = Array.from({ length: n }, () =>
      fetch(`${rec.url}/v1/channels/dev?wait=120`, { headers: { 'if-none-match': etag } }).then(async (r) => ({ status: r.status, etag: r.headers.get('etag'), body: await r.text() })),
    );
    await eventually(async () => ((await getJson(`${rec.url}/healthz`)).body.longPolls === n ? true : undefined), `${n} open long-polls`);
    dev.push(chain.next());
    await repo.publish('dev', dev[2]!.text);
    const body = JSON.stringify({ ref: 'refs/heads/main', after: await repo.head() });
    expect((await hook(body, sign(body))).status).toBe(202);
    const results = await Promise.all(polls);
    expect(results.filter((r) => r.status === 200 && r.etag === `"${dev[2]!.digest}"`)).toHaveLength(n);
    expect(JSON.parse(results[0]!.body).document.release.revision).toBe(3);
  });

  it('a long-poll whose time is up answers 304', async () => {
    const r = await fetch(`${rec.url}/v1/channels/dev?wait=1`, { headers: { 'if-none-match': `"${dev[2]!.digest}"` } });
    expect(r.status).toBe(304);
  });

  it('refuses a tampered release and keeps serving the last good one, visibly', async () => {
    const bad = tamper(new ReleaseChain('dev', [ops1], dev[2]).next());
    await repo.publish('dev', bad.text, 'tampered');
    const body = JSON.stringify({ ref: 'refs/heads/main', after: await repo.head() });
    await hook(body, sign(body));
    const list = await eventually(async () => {
      const l = await getJson(`${rec.url}/v1/channels`);
      return l.body.channels[0].refusal ? l : undefined;
    }, 'a refusal');
    // The signature no longer verifies: BadSignatureError, the code the agent and `ogygia verify` give too (core/verify).
    expect(list.body.channels[0]).toMatchObject({ name: 'dev', revision: 3, refusal: { code: 'BadSignatureError' } });
    expect(await servedRevision(rec.url, 'dev')).toBe(3);
    const metrics = await (await fetch(`${rec.url}/metrics`)).text();
    expect(metrics).toMatch(/ogygia_reconciler_refusals_total\{channel="dev",code="BadSignatureError"\} 1/);
    expect(metrics).toMatch(/ogygia_reconciler_channel_refused\{channel="dev"\} 1/);
    expect(logs.some((l) => l.startsWith('reconciler: warn: refused dev') && l.includes('BadSignatureError'))).toBe(true);
    const html = await (await fetch(`${rec.url}/`)).text();
    expect(html).toContain('BadSignatureError');
  });

  it('serves the mirror read-only over git smart HTTP', async () => {
    const clone = join(tmp.path, 'clone');
    await execa('git', ['clone', '-q', `${rec.url}/git/channels.git`, clone]);
    const log = await execa('git', ['-C', clone, 'log', '--format=%s', '-1']);
    expect(String(log.stdout)).toBe('tampered'); // the branch head accepted as a whole (its dev file is refused on its own)
    const refs = String((await execa('git', ['ls-remote', `${rec.url}/git/channels.git`])).stdout).split('\n').map((l) => l.split('\t')[1]);
    expect(refs).toEqual(['HEAD', 'refs/heads/main']); // never refs/remotes/origin/main, the fetched head before it is accepted
    const push = await execa('git', ['-C', clone, 'push', 'origin', 'HEAD:main'], { reject: false });
    expect(push.exitCode).not.toBe(0);
    const hist = await getJson(`${rec.url}/v1/channels/dev/history?limit=10`);
    expect(hist.body.releases.map((r: { revision?: number }) => r.revision)).toEqual([4, 3, 2, 1]);
  });

  it('refuses a force-pushed rewind as a whole and keeps serving', async () => {
    const good = new ReleaseChain('dev', [ops1], dev[2]).next();
    await repo.publish('dev', good.text, 'good revision 4');
    let body = JSON.stringify({ ref: 'refs/heads/main', after: await repo.head() });
    await hook(body, sign(body));
    await eventually(async () => ((await servedRevision(rec.url, 'dev')) === 4 ? true : undefined), 'revision 4');
    const served = (await getJson(`${rec.url}/v1/channels`)).body.branch.commit as string;
    await repo.forcePush('HEAD~3');
    body = JSON.stringify({ ref: 'refs/heads/main', after: await repo.head(), forced: true });
    await hook(body, sign(body));
    const list = await eventually(async () => {
      const l = await getJson(`${rec.url}/v1/channels`);
      return l.body.branch.refusal ? l : undefined;
    }, 'a branch refusal');
    expect(list.body.branch).toMatchObject({ commit: served, refusal: { code: 'NotDescendantError' } });
    expect(list.body.channels[0]).toMatchObject({ revision: 4, refusal: { code: 'NotDescendantError' } });
    expect(await servedRevision(rec.url, 'dev')).toBe(4);
  });
});

import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHttpServer, type GitHttpServer } from '../testkit/git-http.js';
import { requireProgram } from '../testkit/processes.js';
import { makeTempDir } from '../testkit/tmp.js';
import { createChannelsRepo } from '../testkit/channel-repo.js';
import { testKey } from '../testkit/keys.js';
import { getJson, servedRevision, startTestReconciler } from '../testkit/reconciler-harness.js';
import { ReleaseChain } from '../testkit/release-chain.js';
import type { RunningReconciler } from '../reconciler/main.js';

/** A loopback proxy in front of the git server that wants one exact Authorization header. */
async function authProxy(target: string, expected: string): Promise<{ url: string; seen: string[]; server: Server }> {
  const seen: string[] = [];
  const t = new URL(target);
  const server = createServer((req, res) => {
    seen.push(req.headers.authorization ?? '');
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' }).end();
      return;
    }
    const up = request({ host: t.hostname, port: t.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

describe('reconciler remote with credentials', () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  let srv: GitHttpServer;
  const stops: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    await requireProgram('git', 'git');
    tmp = await makeTempDir('ogygia-rec-auth-');
    srv = await startGitHttpServer(join(tmp.path, 'remote'));
    const repo = await createChannelsRepo(tmp.path, `${srv.url}/channels.git`);
    await repo.publish('dev', new ReleaseChain('dev', [testKey('test-only-ops-1')]).next().text);
  });

  afterAll(async () => {
    for (const s of stops.reverse()) await s();
    await srv?.stop();
    await tmp?.cleanup();
  });

  it.each([
    ['basic', 'deploy:s3cret', `Basic ${Buffer.from('deploy:s3cret').toString('base64')}`],
    ['bearer', 'Bearer tok-123', 'Bearer tok-123'],
  ])('sends %s credentials from credentials_file to the remote', async (kind, fileText, header) => {
    const proxy = await authProxy(srv.url, header);
    stops.push(() => new Promise<void>((r) => { proxy.server.closeAllConnections(); proxy.server.close(() => r()); }));
    await writeFile(join(tmp.path, `cred-${kind}`), fileText + '\n');
    const rec: RunningReconciler = await startTestReconciler({
      source: `${proxy.url}/channels.git`,
      stateDir: join(tmp.path, `state-${kind}`),
      extra: { credentials_file: join(tmp.path, `cred-${kind}`) },
    });
    stops.push(() => rec.stop());
    expect(await servedRevision(rec.url, 'dev')).toBe(1);
    expect(proxy.seen.every((h) => h === header)).toBe(true);
  });

  it('serves nothing and reports the fetch error when the credentials are wrong', async () => {
    const proxy = await authProxy(srv.url, 'Bearer right');
    stops.push(() => new Promise<void>((r) => { proxy.server.closeAllConnections(); proxy.server.close(() => r()); }));
    await writeFile(join(tmp.path, 'cred-wrong'), 'Bearer wrong\n');
    const rec = await startTestReconciler({ source: `${proxy.url}/channels.git`, stateDir: join(tmp.path, 'state-wrong'), extra: { credentials_file: join(tmp.path, 'cred-wrong') } });
    stops.push(() => rec.stop());
    expect((await getJson(`${rec.url}/v1/channels/dev`)).status).toBe(404);
    const health = (await getJson(`${rec.url}/healthz`)).body;
    expect(health.lastError.code).toBe('GitError');
    expect(await (await fetch(`${rec.url}/metrics`)).text()).toMatch(/ogygia_reconciler_fetch_errors_total 1/);
  });
});

import { request } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEtcd, type EtcdServer } from '../testkit/etcd.js';
import { requireProgram } from '../testkit/processes.js';
import { eventually } from '../testkit/eventually.js';
import { makeTempDir } from '../testkit/tmp.js';
import { createChannelsRepo, type ChannelsRepo } from '../testkit/channel-repo.js';
import { testKey } from '../testkit/keys.js';
import { getJson, startTestReconciler } from '../testkit/reconciler-harness.js';
import { ReleaseChain, type Built } from '../testkit/release-chain.js';
import type { RunningReconciler } from '../reconciler/main.js';

const TOKEN = 'test-report-token';

function report(host: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    host,
    channel: 'dev',
    state: 'applied',
    revision: 1,
    digest: null,
    commit: null,
    current: 'abcdef123456',
    booted: 'abcdef123456',
    nextboot: 'abcdef123456',
    agentVersion: '0.1.0',
    reportedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    ...over,
  };
}

async function post(base: string, host: string, body: unknown, token: string | null = TOKEN): Promise<{ status: number; body: any }> {
  return getJson(`${base}/v1/hosts/${host}/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The rows of a host page's history table, as `<agent state> <revision>`, newest first. */
function historyRows(html: string): string[] {
  const table = html.slice(html.indexOf('<table id="history">'));
  return [...table.matchAll(/<td><code>([a-z-]+)<\/code><\/td><td class="num">([0-9]+|—)<\/td>/g)].map((m) => `${m[1]} ${m[2]}`);
}

describe('reconciler reports', () => {
  const ops1 = testKey('test-only-ops-1');
  let tmp: { path: string; cleanup: () => Promise<void> };
  let repo: ChannelsRepo;
  let dev1: Built;
  const running: RunningReconciler[] = [];
  let etcd: EtcdServer | undefined;

  const start = async (state: string, extra: Record<string, unknown> = {}): Promise<RunningReconciler> => {
    const r = await startTestReconciler({
      source: repo.bare,
      stateDir: join(tmp.path, state),
      extra: { reports: { token_files: [join(tmp.path, 'token')] }, ...extra },
    });
    running.push(r);
    return r;
  };
  const stop = async (r: RunningReconciler): Promise<void> => {
    await r.stop();
    running.splice(running.indexOf(r), 1);
  };

  beforeAll(async () => {
    await requireProgram('git', 'git');
    tmp = await makeTempDir('ogygia-rec-reports-');
    repo = await createChannelsRepo(tmp.path);
    dev1 = new ReleaseChain('dev', [ops1]).next();
    await repo.publish('dev', dev1.text);
    await writeFile(join(tmp.path, 'token'), TOKEN + '\n');
  });

  afterAll(async () => {
    for (const r of [...running]) await r.stop();
    await etcd?.stop();
    await tmp?.cleanup();
  });

  it('accepts schema-valid reports with the bearer token and derives host states', async () => {
    const rec = await start('state-a');
    const dev2 = new ReleaseChain('dev', [ops1], dev1).next();
    expect((await post(rec.url, 'web01', report('web01', { digest: dev1.digest }))).status).toBe(202);
    expect((await post(rec.url, 'web02', report('web02', { revision: null }))).status).toBe(202);
    expect((await post(rec.url, 'web03', report('web03', { state: 'applying' }))).status).toBe(202);
    const failed = report('web04', { state: 'failed', error: { code: 'ThresholdNotMetError', message: 'needs 2' }, timings: { fetchMs: 12 } });
    expect((await post(rec.url, 'web04', failed)).status).toBe(202);
    expect((await post(rec.url, 'web05', report('web05', { state: 'rolled-back', digest: dev2.digest, revision: 2 }))).status).toBe(202);
    const hosts = (await getJson(`${rec.url}/v1/hosts`)).body.hosts as Array<Record<string, any>>;
    expect(Object.fromEntries(hosts.map((h) => [h.host, h.state]))).toEqual({
      web01: 'in-sync',
      web02: 'pending',
      web03: 'applying',
      web04: 'failed',
      web05: 'rolled-back',
    });
    expect(hosts[0]).toMatchObject({ channel: 'dev', desired: { revision: 1, digest: dev1.digest }, applied: { revision: 1 }, current: 'abcdef123456' });
    expect(hosts[3]!.error).toEqual({ code: 'ThresholdNotMetError', message: 'needs 2' });
    const metrics = await (await fetch(`${rec.url}/metrics`)).text();
    expect(metrics).toMatch(/ogygia_reconciler_hosts\{state="in-sync"\} 1/);
    expect(metrics).toMatch(/ogygia_reconciler_reports_total\{result="accepted"\} 5/);
  });

  it('refuses reports without the right token, off-schema or for another host, with a code', async () => {
    const rec = running[0]!;
    const none = await post(rec.url, 'web01', report('web01'), null);
    expect([none.status, none.body.code]).toEqual([401, 'UnauthorizedError']);
    const wrong = await post(rec.url, 'web01', report('web01'), 'not-the-token');
    expect([wrong.status, wrong.body.code]).toEqual([401, 'UnauthorizedError']);
    const bad = await post(rec.url, 'web01', report('web01', { state: 'dancing', extra: 1 }));
    expect([bad.status, bad.body.code]).toEqual([400, 'InvalidReportError']);
    expect(bad.body.data.problems.join('\n')).toMatch(/state/);
    const other = await post(rec.url, 'web01', report('web09'));
    expect([other.status, other.body.code]).toEqual([400, 'InvalidReportError']);
    const json = await post(rec.url, 'web01', '{ not json');
    expect([json.status, json.body.code]).toEqual([400, 'MalformedJsonError']);
    const host = await post(rec.url, 'bad_host!', report('web01'));
    expect([host.status, host.body.code]).toEqual([400, 'InvalidHostNameError']);
    const metrics = await (await fetch(`${rec.url}/metrics`)).text();
    const refusals = [...metrics.matchAll(/^ogygia_reconciler_report_refusals_total\{code="(\w+)"\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])]);
    expect(Object.fromEntries(refusals)).toEqual({ UnauthorizedError: 2, InvalidReportError: 2, InvalidHostNameError: 1 });
  });

  it('refuses an oversize report (over 64 KiB) with 413', async () => {
    const rec = running[0]!;
    const big = await post(rec.url, 'web01', report('web01', { error: { code: 'X', message: 'y'.repeat(70 * 1024) } }));
    expect([big.status, big.body.code]).toEqual([413, 'OversizeError']);
  });

  it('refuses an oversize report before reading it whole (answers while the body is still unsent)', async () => {
    const rec = running[0]!;
    const u = new URL(rec.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: u.hostname, port: u.port, path: '/v1/hosts/web01/reports', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024), authorization: `Bearer ${TOKEN}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on('error', (e) => (String(e).includes('ECONNRESET') ? undefined : reject(e)));
      req.write('{"host":"web01",'); // 17 bytes of the announced 50 MiB, then nothing more
    });
    expect(status).toBe(413);
  });

  it('snapshots reports to the state directory and reads them back after a restart', async () => {
    await stop(running[0]!);
    const again = await start('state-a');
    const hosts = (await getJson(`${again.url}/v1/hosts`)).body.hosts as Array<{ host: string }>;
    expect(hosts.map((h) => h.host)).toEqual(['web01', 'web02', 'web03', 'web04', 'web05']);
    // Each host's history comes back with its report.
    expect(historyRows(await (await fetch(`${again.url}/hosts/web01`)).text()).length).toBeGreaterThan(0);
    await stop(again);
  });

  it('keeps at most [reports] max_hosts hosts: host number cap + 1 is refused (507) and kept nowhere', async () => {
    const rec = await start('state-cap', { reports: { token_files: [join(tmp.path, 'token')], max_hosts: 3 } });
    for (const h of ['cap1', 'cap2', 'cap3']) expect((await post(rec.url, h, report(h))).status).toBe(202);
    const fourth = await post(rec.url, 'cap4', report('cap4'));
    expect([fourth.status, fourth.body.code, fourth.body.data]).toEqual([507, 'TooManyHostsError', { host: 'cap4', maxHosts: 3 }]);
    // A host already kept goes on reporting, under any spelling of its name: WEB01 and web01 are one host.
    expect((await post(rec.url, 'CAP2', report('CAP2', { state: 'failed' }))).status).toBe(202);
    const hosts = (await getJson(`${rec.url}/v1/hosts`)).body.hosts as Array<{ host: string; state: string }>;
    expect(hosts.map((h) => [h.host, h.state])).toEqual([
      ['CAP2', 'failed'],
      ['cap1', 'pending'],
      ['cap3', 'pending'],
    ]);
    const metrics = await (await fetch(`${rec.url}/metrics`)).text();
    expect(metrics).toMatch(/^ogygia_reconciler_report_refusals_total\{code="TooManyHostsError"\} 1$/m);
    expect(metrics).toMatch(/^ogygia_reconciler_reports_total\{result="full"\} 1$/m);
    await stop(rec);
    // The cap holds after a restart too: the snapshot brings the three hosts back.
    const again = await start('state-cap', { reports: { token_files: [join(tmp.path, 'token')], max_hosts: 3 } });
    expect((await post(again.url, 'cap5', report('cap5'))).status).toBe(507);
    await stop(again);
  });

  it('shows a host as stale when it stopped reporting', async () => {
    const rec = await start('state-stale', { reports: { token_files: [join(tmp.path, 'token')], stale_after_seconds: 0.3 } });
    expect((await post(rec.url, 'web01', report('web01', { digest: dev1.digest }))).status).toBe(202);
    await new Promise((r) => setTimeout(r, 600));
    const hosts = (await getJson(`${rec.url}/v1/hosts`)).body.hosts as Array<{ state: string }>;
    expect(hosts[0]!.state).toBe('stale');
    await stop(rec);
  });

  it('replicas sharing etcd see each other’s reports, and count hosts together against max_hosts', async () => {
    etcd = await startEtcd();
    const etcdCfg = { etcd: { endpoints: [etcd.endpoint], namespace: '/ogygia-test' }, reports: { token_files: [join(tmp.path, 'token')], max_hosts: 2 } };
    const a = await start('replica-a', etcdCfg);
    const b = await start('replica-b', etcdCfg);
    expect((await post(a.url, 'alpha', report('alpha', { digest: dev1.digest }))).status).toBe(202);
    expect((await post(b.url, 'beta', report('beta', { state: 'failed' }))).status).toBe(202);
    // Each replica's view is fed by an etcd watch: the other's report arrives one watch event later.
    for (const r of [a, b]) {
      const view = await eventually(async () => {
        const hosts = (await getJson(`${r.url}/v1/hosts`)).body.hosts as Array<{ host: string; state: string }>;
        return hosts.length === 2 ? hosts : undefined;
      }, `${r.url} to see both hosts`);
      expect(view.map((h) => [h.host, h.state])).toEqual([
        ['alpha', 'in-sync'],
        ['beta', 'failed'],
      ]);
    }
    const third = await post(a.url, 'gamma', report('gamma'));
    expect([third.status, third.body.code]).toEqual([507, 'TooManyHostsError']);
    expect((await post(a.url, 'BETA', report('BETA'))).status).toBe(202);
    expect(Object.keys(await etcd.getPrefix('/ogygia-test/reconciler/reports/')).sort()).toEqual(['/ogygia-test/reconciler/reports/alpha', '/ogygia-test/reconciler/reports/beta']);
    // What a host said, change by change, is shared too: beta failed on one replica, then (as BETA) applied on the other.
    expect((await post(a.url, 'BETA', report('BETA'))).status).toBe(202); // a heartbeat: no new history entry
    const rows = await eventually(async () => {
      const r = historyRows(await (await fetch(`${b.url}/hosts/beta`)).text());
      return r.length === 2 ? r : undefined;
    }, 'beta’s history on the other replica');
    expect(rows).toEqual(['applied 1', 'failed 1']);
    expect(Object.keys(await etcd.getPrefix('/ogygia-test/reconciler/history/')).sort()).toEqual(['/ogygia-test/reconciler/history/alpha', '/ogygia-test/reconciler/history/beta']);
  });

  it('replicas adding hosts at the same instant keep exactly max_hosts between them, never more', async () => {
    etcd ??= await startEtcd();
    const etcdCfg = { etcd: { endpoints: [etcd.endpoint], namespace: '/ogygia-race' }, reports: { token_files: [join(tmp.path, 'token')], max_hosts: 10 } };
    const a = await start('race-a', etcdCfg);
    const b = await start('race-b', etcdCfg);
    const statuses = await Promise.all(
      Array.from({ length: 60 }, (_, i) => post(i % 2 === 0 ? a.url : b.url, `race${i}`, report(`race${i}`)).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 202)).toHaveLength(10);
    expect(statuses.filter((s) => s !== 202 && s !== 507)).toEqual([]);
    expect(Object.keys(await etcd.getPrefix('/ogygia-race/reconciler/reports/'))).toHaveLength(10);
  });
});

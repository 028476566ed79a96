import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostKey } from '../core/host-key.js';
import { signReport } from '../core/report-signing.js';
import type { RunningReconciler } from '../reconciler/main.js';
import { createChannelsRepo, git, type ChannelsRepo } from '../testkit/channel-repo.js';
import { startEtcd, type EtcdServer } from '../testkit/etcd.js';
import { eventually } from '../testkit/eventually.js';
import { testKey } from '../testkit/keys.js';
import { requireProgram } from '../testkit/processes.js';
import { getJson, startTestReconciler } from '../testkit/reconciler-harness.js';
import { ReleaseChain, type Built } from '../testkit/release-chain.js';
import { sshKeygen, type SshHostKey } from '../testkit/ssh-keys.js';
import { makeTempDir } from '../testkit/tmp.js';

// DESIGN.md §11 against the real reconciler: hosts.toml in the channels
// repository (written by the real `ogygia enroll` with keys the real
// `ssh-keygen` made), reports signed as agents sign them, posted over HTTP.

const REPO_ROOT = join(import.meta.dirname, '..');
const TOKEN = 'test-only-report-token';

async function ogygia(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await execa('node', ['--import', 'tsx', join(REPO_ROOT, 'testkit/run-cli.ts'), ...args], { reject: false, cwd: REPO_ROOT, stdin: 'ignore' });
  return { code: r.exitCode ?? -1, out: String(r.stdout), err: String(r.stderr) };
}

let nextSeq = Date.now();
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
    reportedAt: new Date().toISOString(),
    seq: ++nextSeq,
    ...over,
  };
}

/** POST a report as an agent does: the body signed with `key` (unless null), plus any extra headers. */
async function post(base: string, urlHost: string, body: Record<string, unknown>, key: HostKey | null, headers: Record<string, string> = {}) {
  const r = await fetch(`${base}/v1/hosts/${urlHost}/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'ogygia-signature': signReport(body, key) } : {}), ...headers },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined, headers: r.headers };
}

/** POST a reboot-slot request (DESIGN.md §13) as an agent does: signed under the reboot-slot prefix with `key` (unless null), or as `as` says. */
async function postSlot(base: string, urlHost: string, body: Record<string, unknown>, key: HostKey | null, as: 'reboot-slot' | 'report' = 'reboot-slot') {
  const r = await fetch(`${base}/v1/hosts/${urlHost}/reboot-slot`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'ogygia-signature': signReport(body, key, as) } : {}) },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined, headers: r.headers };
}

const hostsOf = async (base: string): Promise<Array<{ host: string; state: string }>> => (await getJson(`${base}/v1/hosts`)).body.hosts;

describe('signed reports with hosts.toml on the branch (DESIGN.md §11)', () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  let repo: ChannelsRepo;
  let dev1: Built;
  let web01: SshHostKey, db01: SshHostKey, cache01: SshHostKey;
  let rec: RunningReconciler;
  const running: RunningReconciler[] = [];
  let etcd: EtcdServer | undefined;
  /** Other etcd servers the tests started, stopped after the reconcilers that use them. */
  const etcds: EtcdServer[] = [];
  const logs: string[] = [];

  beforeAll(async () => {
    await requireProgram('git', 'git');
    tmp = await makeTempDir('ogygia-enrollment-');
    repo = await createChannelsRepo(tmp.path);
    dev1 = new ReleaseChain('dev', [testKey('test-only-ops-1')]).next();
    await repo.publish('dev', dev1.text);
    web01 = await sshKeygen(join(tmp.path, 'keys/web01/ssh_host_ed25519_key'), 'root@web01');
    db01 = await sshKeygen(join(tmp.path, 'keys/db01/ssh_host_ed25519_key'), 'root@db01');
    cache01 = await sshKeygen(join(tmp.path, 'keys/cache01/ssh_host_ed25519_key'), 'root@cache01');
    for (const [host, key] of [['web01', web01], ['db01', db01]] as const) {
      const r = await ogygia(['enroll', '--repo', repo.work, '--host', host, '--key-file', `${key.file}.pub`, '--push']);
      expect(r.code, r.err).toBe(0);
    }
    await writeFile(join(tmp.path, 'token'), TOKEN + '\n');
    rec = await startTestReconciler({ source: repo.bare, stateDir: join(tmp.path, 'state'), extra: { reports: { token_files: [join(tmp.path, 'token')] } }, logs });
    running.push(rec);
  });

  afterAll(async () => {
    for (const r of running) await r.stop();
    await etcd?.stop();
    for (const e of etcds) await e.stop();
    await tmp?.cleanup();
  });

  it('ogygia enroll wrote both hosts, and the reconciler reads them at the served commit', async () => {
    expect(await git(repo.work, 'log', '--format=%s', '-2')).toMatch(/^hosts: enroll db01 \(SHA256:.+\)\nhosts: enroll web01 \(SHA256:.+\)$/);
    expect(logs.join('\n')).toMatch(/hosts\.toml at [0-9a-f]{12}: 2 host\(s\) enrolled; only their signed reports are kept/);
    expect(await (await fetch(`${rec.url}/metrics`)).text()).toMatch(/^ogygia_reconciler_enrolled_hosts 2$/m);
  });

  it('keeps a report signed by the host’s own key, and shows it in /v1/hosts', async () => {
    const r = await post(rec.url, 'web01', report('web01', { digest: dev1.digest }), web01.key);
    expect([r.status, r.body]).toEqual([202, { accepted: true, desired: { revision: 1, digest: dev1.digest, commit: expect.any(String) } }]);
    expect((await hostsOf(rec.url)).map((h) => [h.host, h.state])).toEqual([['web01', 'in-sync']]);
  });

  it("refuses a report for db01 signed by web01's key, and keeps nothing of it", async () => {
    const r = await post(rec.url, 'db01', report('db01', { state: 'failed' }), web01.key);
    expect([r.status, r.body.code]).toEqual([401, 'ReportSignatureError']);
    expect(r.headers.get('www-authenticate')).toBe('Ogygia-Signature');
    // Under its own URL, web01's report that names db01 is refused too: a report speaks for the host it is posted for.
    const other = await post(rec.url, 'web01', report('db01'), web01.key);
    expect([other.status, other.body.code, other.body.data.reason]).toEqual([400, 'InvalidReportError', 'host']);
    expect((await hostsOf(rec.url)).map((h) => h.host)).toEqual(['web01']);
  });

  it("refuses an unenrolled host's report, signed with its own key and with the bearer token, and names a look-alike", async () => {
    const r = await post(rec.url, 'cache01', report('cache01'), cache01.key, { authorization: `Bearer ${TOKEN}` });
    expect([r.status, r.body.code, r.body.data]).toEqual([403, 'UnenrolledHostError', { host: 'cache01' }]);
    const alike = await post(rec.url, 'web01.example.com', report('web01.example.com'), web01.key);
    expect([alike.status, alike.body.code, alike.body.data]).toEqual([403, 'UnenrolledHostError', { host: 'web01.example.com', lookAlike: 'web01' }]);
    expect((await hostsOf(rec.url)).map((h) => h.host)).toEqual(['web01']);
  });

  it('refuses an unsigned report even with the bearer token, and a malformed or tampered signature', async () => {
    const unsigned = await post(rec.url, 'web01', report('web01'), null, { authorization: `Bearer ${TOKEN}` });
    expect([unsigned.status, unsigned.body.code]).toEqual([401, 'UnsignedReportError']);
    const malformed = await post(rec.url, 'web01', report('web01'), null, { 'ogygia-signature': 'not-base64' });
    expect([malformed.status, malformed.body.code, malformed.body.data.reason]).toEqual([401, 'ReportSignatureError', 'malformed']);
    const body = report('web01');
    const tampered = await post(rec.url, 'web01', { ...body, state: 'failed' }, null, { 'ogygia-signature': signReport(body, web01.key) });
    expect([tampered.status, tampered.body.code, tampered.body.data.reason]).toEqual([401, 'ReportSignatureError', 'mismatch']);
    expect((await hostsOf(rec.url)).map((h) => [h.host, h.state])).toEqual([['web01', 'in-sync']]);
  });

  it('refuses a replayed report (same seq) and an older one; a newer one is kept', async () => {
    const body = report('db01', { state: 'applying' });
    expect((await post(rec.url, 'db01', body, db01.key)).status).toBe(202);
    const replay = await post(rec.url, 'db01', body, db01.key);
    expect([replay.status, replay.body.code, replay.body.data]).toEqual([403, 'ReportReplayError', { host: 'db01', seq: body.seq, last: body.seq }]);
    const older = await post(rec.url, 'db01', report('db01', { state: 'failed', seq: (body.seq as number) - 1 }), db01.key);
    expect([older.status, older.body.code]).toEqual([403, 'ReportReplayError']);
    const noSeq = report('db01');
    delete noSeq.seq;
    const none = await post(rec.url, 'db01', noSeq, db01.key);
    expect([none.status, none.body.code, none.body.data.seq]).toEqual([403, 'ReportReplayError', null]);
    expect((await hostsOf(rec.url)).find((h) => h.host === 'db01')?.state).toBe('applying');
    expect((await post(rec.url, 'db01', report('db01', { digest: dev1.digest }), db01.key)).status).toBe(202);
    expect((await hostsOf(rec.url)).find((h) => h.host === 'db01')?.state).toBe('in-sync');
  });

  it('takes WEB01 as web01 (names compare ignoring case): one host, one seq', async () => {
    const body = report('WEB01', { digest: dev1.digest });
    expect((await post(rec.url, 'WEB01', body, web01.key)).status).toBe(202);
    expect((await post(rec.url, 'web01', { ...body, host: 'web01' }, web01.key)).body.code).toBe('ReportReplayError');
    expect((await hostsOf(rec.url)).map((h) => h.host)).toEqual(['WEB01', 'db01']);
  });

  it('counts every refusal by code in /metrics', async () => {
    const metrics = await (await fetch(`${rec.url}/metrics`)).text();
    const count = (code: string): number => Number(new RegExp(`^ogygia_reconciler_report_refusals_total\\{code="${code}"\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? 0);
    expect({
      ReportSignatureError: count('ReportSignatureError'),
      UnenrolledHostError: count('UnenrolledHostError'),
      UnsignedReportError: count('UnsignedReportError'),
      ReportReplayError: count('ReportReplayError'),
    }).toEqual({ ReportSignatureError: 3, UnenrolledHostError: 2, UnsignedReportError: 1, ReportReplayError: 4 });
  });

  it('an enrollment merged on the branch takes effect at the next sync; a broken one leaves the last good one in force', async () => {
    const r = await ogygia(['enroll', '--repo', repo.work, '--host', 'cache01', '--key-file', `${cache01.file}.pub`, '--push']);
    expect(r.code, r.err).toBe(0);
    rec.syncer.sync('test');
    await eventually(async () => ((await post(rec.url, 'cache01', report('cache01'), cache01.key)).status === 202 ? true : undefined), 'cache01 accepted');

    await writeFile(join(repo.work, 'hosts.toml'), '[hosts.web01]\nkey = "ssh-rsa AAAA"\n');
    await git(repo.work, 'commit', '-qam', 'break hosts.toml');
    await git(repo.work, 'push', '-q', 'origin', 'HEAD:main');
    const broken = await repo.head();
    await rec.syncer.sync('test');
    await eventually(async () => ((await getJson(`${rec.url}/healthz`)).body.branchCommit === broken ? true : undefined), 'the broken commit served');
    expect(logs.join('\n')).toMatch(/hosts\.toml at [0-9a-f]{12} cannot be used \(hosts\.web01\.key: is a "ssh-rsa" key.*the enrollment of [0-9a-f]{12} stays in force/);
    expect((await post(rec.url, 'cache01', report('cache01'), cache01.key)).status).toBe(202);
    expect((await post(rec.url, 'db01', report('db01'), web01.key)).status).toBe(401);

    // A reconciler that never saw a good hosts.toml refuses every report until it is fixed: never open instead.
    const fresh = await startTestReconciler({ source: repo.bare, stateDir: join(tmp.path, 'fresh'), extra: { reports: { token_files: [join(tmp.path, 'token')] } } });
    running.push(fresh);
    const waiting = await post(fresh.url, 'web01', report('web01'), web01.key, { authorization: `Bearer ${TOKEN}` });
    expect([waiting.status, waiting.body.code]).toEqual([503, 'InvalidEnrollmentError']);
    await git(repo.work, 'checkout', '-q', 'HEAD~1', '--', 'hosts.toml');
    await git(repo.work, 'commit', '-qm', 'fix hosts.toml');
    await git(repo.work, 'push', '-q', 'origin', 'HEAD:main');
    await fresh.syncer.sync('test');
    expect((await post(fresh.url, 'web01', report('web01'), web01.key)).status).toBe(202);
  });

  it('reboot slots: signed like a report, one per channel, and replicas sharing etcd agree on them', async () => {
    const slotsEtcd = await startEtcd();
    etcds.push(slotsEtcd);
    const extra = { etcd: { endpoints: [slotsEtcd.endpoint], namespace: '/ogygia-slot-test' }, rollout: { max_concurrent_reboots: 1 } };
    const a = await startTestReconciler({ source: repo.bare, stateDir: join(tmp.path, 'slots-a'), extra });
    running.push(a);
    const b = await startTestReconciler({ source: repo.bare, stateDir: join(tmp.path, 'slots-b'), extra });
    running.push(b);
    const ask = (host: string) => ({ host, channel: 'dev', digest: dev1.digest, requestedAt: new Date().toISOString(), seq: ++nextSeq });

    expect((await postSlot(a.url, 'web01', ask('web01'), null)).body.code).toBe('UnsignedReportError');
    expect((await postSlot(a.url, 'web01', ask('web01'), db01.key)).body.code).toBe('ReportSignatureError');
    // A report signature is not a slot signature: each has its own prefix.
    expect((await postSlot(a.url, 'web01', ask('web01'), web01.key, 'report')).body.code).toBe('ReportSignatureError');
    expect((await postSlot(a.url, 'app99', ask('app99'), cache01.key)).body.code).toBe('UnenrolledHostError');

    const first = ask('web01');
    const granted = await postSlot(a.url, 'web01', first, web01.key);
    expect([granted.status, granted.body.granted, granted.body.holders, granted.body.max]).toEqual([200, true, ['web01'], 1]);
    // db01 asks the other replica: it sees web01's slot in etcd.
    const busy = await postSlot(b.url, 'db01', ask('db01'), db01.key);
    expect([busy.status, busy.body.code, busy.body.data.holders]).toEqual([429, 'RebootSlotBusyError', ['web01']]);
    expect(Number(busy.headers.get('retry-after'))).toBeGreaterThanOrEqual(5);
    // The holder asking again (an agent restarted) keeps its slot.
    const again = await postSlot(b.url, 'web01', ask('web01'), web01.key);
    expect([again.status, again.body.expiresAt]).toEqual([200, granted.body.expiresAt]);

    // web01 booted the release: in-sync with booted = current releases its slot.
    expect((await post(a.url, 'web01', report('web01', { digest: dev1.digest, current: 'rev-new-0123', booted: 'rev-new-0123' }), web01.key)).status).toBe(202);
    const next = await postSlot(b.url, 'db01', ask('db01'), db01.key);
    expect([next.status, next.body.holders]).toEqual([200, ['db01']]);
    // web01's first request, replayed after it reported, is refused.
    const replay = await postSlot(a.url, 'web01', first, web01.key);
    expect([replay.status, replay.body.code]).toEqual([403, 'ReportReplayError']);
  });

  it('replicas sharing etcd refuse a report replayed to the other replica', async () => {
    etcd = await startEtcd();
    const extra = { etcd: { endpoints: [etcd.endpoint], namespace: '/ogygia-enroll-test' } };
    const a = await startTestReconciler({ source: repo.bare, stateDir: join(tmp.path, 'replica-a'), extra });
    running.push(a);
    const b = await startTestReconciler({ source: repo.bare, stateDir: join(tmp.path, 'replica-b'), extra });
    running.push(b);
    const body = report('web01', { digest: dev1.digest });
    expect((await post(a.url, 'web01', body, web01.key)).status).toBe(202);
    const replay = await post(b.url, 'web01', body, web01.key);
    expect([replay.status, replay.body.code]).toEqual([403, 'ReportReplayError']);
    expect((await post(b.url, 'web01', report('web01', { digest: dev1.digest }), web01.key)).status).toBe(202);
    expect((await hostsOf(a.url)).map((h) => h.host)).toEqual(['web01']);
  });
});

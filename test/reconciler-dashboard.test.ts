import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireProgram } from '../testkit/processes.js';
import { makeTempDir } from '../testkit/tmp.js';
import { createChannelsRepo, type ChannelsRepo } from '../testkit/channel-repo.js';
import { testKey } from '../testkit/keys.js';
import { getJson, startTestReconciler } from '../testkit/reconciler-harness.js';
import { approve, ReleaseChain, tamper } from '../testkit/release-chain.js';
import type { RunningReconciler } from '../reconciler/main.js';
import { formatPublicKey, generateSecretKey } from '../core/keys.js';
import { systemNar, writeFakeCache } from '../testkit/fake-cache.js';
import { packagePath } from '../testkit/store-paths.js';
import { eventually } from '../testkit/eventually.js';

const ARTIFACTS = fileURLToPath(new URL('../.artifacts/', import.meta.url));

/** The simulated fleet on staging: every 500th host failed, the next rolled back, the next 7 applying, the next waiting for its reboot, the rest in sync (20, 20, 140 and 20 of 10,000). */
const SIMS = 10_000;
const simName = (i: number) => `sim${String(i).padStart(5, '0')}`;
const simState = (i: number) => (i % 500 === 0 ? 'failed' : i % 500 === 1 ? 'rolled-back' : i % 500 <= 8 ? 'applying' : i % 500 === 9 ? 'reboot-required' : 'applied');
/** Reported one second apart, after the hand-made hosts: a higher number is a newer report. */
const simReportedAt = (i: number) => new Date(Date.parse('2026-11-21T10:00:01Z') + i * 1000).toISOString();
const TAIL = 'building system...\n<script>window.__pwned = true</script>\nerror: health check failed';
const LAUNCH = {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
};

// The fleet dashboard in a real headless Chromium with 10,005 hosts: 10,000 in the reconciler's reports snapshot when it starts, five (and later
// reports) through the report route; the screenshot is kept in .artifacts/.
describe('reconciler dashboard', () => {
  const ops1 = testKey('test-only-ops-1');
  const ops2 = testKey('test-only-ops-2');
  let tmp: { path: string; cleanup: () => Promise<void> };
  let repo: ChannelsRepo;
  let rec: RunningReconciler;
  let browser: Browser | undefined;
  let prod2Digest: string;

  beforeAll(async () => {
    await requireProgram('git', 'git');
    await requireProgram('chromium', 'chromium');
    tmp = await makeTempDir('ogygia-rec-dash-');
    repo = await createChannelsRepo(tmp.path);
    const prod1 = approve(new ReleaseChain('prod', [ops1]).next(), ops2);
    const prod2 = new ReleaseChain('prod', [ops1, ops2], prod1).next();
    const staging = new ReleaseChain('staging', [ops1]).next();
    prod2Digest = prod2.digest;
    await repo.publish('prod', prod1.text);
    await repo.publish('prod', prod2.text);
    await repo.publish('staging', staging.text);
    // A binary cache holding both prod systems, so the dashboard can show what revision 2 changes for hosts on 1.
    const cacheKey = generateSecretKey('test-cache-1');
    const ssl = [packagePath('openssl-3.0.12'), packagePath('openssl-3.0.13'), packagePath('curl-8.1.0')] as const;
    const boot = (v: string) => ({ kernel: packagePath(`linux-${v}`), initrd: packagePath(`initrd-linux-${v}`), modules: packagePath(`linux-${v}-modules`) });
    await writeFakeCache(join(tmp.path, 'cache'), [
      ...ssl.map((p) => ({ path: p, references: [], narSize: 4096 })),
      ...['6.6.1', '6.6.2'].flatMap((v) => Object.values(boot(v)).map((p) => ({ path: p, references: [], narSize: 8192 }))),
      { path: prod1.doc.release.targets['*']!.storePath, references: [ssl[0], ...Object.values(boot('6.6.1'))], nar: systemNar(boot('6.6.1')) },
      { path: prod2.doc.release.targets['*']!.storePath, references: [ssl[1], ssl[2], ...Object.values(boot('6.6.2'))], nar: systemNar(boot('6.6.2')) },
    ], [cacheKey]);
    // 10,000 hosts on staging (revision 1 is what staging serves), as a reconciler that kept them finds them in its state directory.
    const stateDir = join(tmp.path, 'state');
    await mkdir(stateDir, { recursive: true });
    const received = Date.now();
    const sims = Array.from({ length: SIMS }, (_, i) => {
      const host = simName(i);
      const st = simState(i);
      return {
        report: {
          host, channel: 'staging', state: st, revision: 1, digest: staging.digest, commit: null,
          current: 'a1b2c3d4e5f6', booted: 'a1b2c3d4e5f6', nextboot: 'a1b2c3d4e5f6', agentVersion: '0.1.0', reportedAt: simReportedAt(i),
          ...(st === 'failed' || st === 'rolled-back' ? { error: { code: 'HealthCheckFailedError', message: `health command exited 3 on ${host}`, outputTail: TAIL } } : {}),
        },
        receivedAt: new Date(received - (SIMS - i)).toISOString(), // just now, so none is stale
      };
    });
    await writeFile(join(stateDir, 'reports.json'), JSON.stringify({ version: 1, reports: sims }));
    rec = await startTestReconciler({
      source: repo.bare,
      stateDir,
      extra: { reports: { max_hosts: 20_000 }, impact: { caches: [`file://${join(tmp.path, 'cache')}`], trusted_keys: [formatPublicKey(cacheKey.publicKey)] } },
    });
    await repo.publish('staging', tamper(new ReleaseChain('staging', [ops1], staging).next()).text, 'tampered staging');
    await rec.syncer.sync('test');
    const reports: Array<[string, string, Record<string, unknown>]> = [
      ['db01', 'prod', { state: 'applied', revision: 1, digest: prod1.digest, reportedAt: '2026-11-21T09:00:00Z' }],
      ['web01', 'prod', { state: 'applied', revision: 2, digest: prod2.digest }],
      ['web02', 'prod', { state: 'applied', revision: 1, digest: prod1.digest }],
      ['web03', 'prod', { state: 'applying', revision: 1, digest: prod1.digest }],
      ['db01', 'prod', { state: 'rolled-back', revision: 1, digest: prod1.digest, error: { code: 'HealthCheckFailedError', message: 'health command exited 3 after switch' } }],
      ['ci01', 'staging', { state: 'applied', revision: 1, digest: staging.digest }],
    ];
    for (const [host, channel, over] of reports) {
      const r = await fetch(`${rec.url}/v1/hosts/${host}/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          host, channel, commit: null, current: 'a1b2c3d4e5f6', booted: 'a1b2c3d4e5f6', nextboot: 'a1b2c3d4e5f6',
          agentVersion: '0.1.0', reportedAt: '2026-11-21T10:00:00Z', ...over,
        }),
      });
      expect(r.status).toBe(202);
    }
    browser = await chromium.launch(LAUNCH);
  });

  afterAll(async () => {
    await browser?.close();
    await rec?.stop();
    await tmp?.cleanup();
  });

  it('renders channels and hosts readable in headless Chromium, with a screenshot', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const res = await page.goto(`${rec.url}/?channel=prod`);
    expect(res?.status()).toBe(200);
    expect(await page.title()).toBe('Ogygia fleet');
    const channels = await page.locator('section:has(h2:text("Channels")) tbody tr').allInnerTexts();
    expect(channels).toHaveLength(2);
    expect(channels[0]).toMatch(/^prod history\s+2\s/);
    expect(channels[1]).toMatch(/^staging history\s+1\s/);
    expect(channels[1]).toContain('BadSignatureError'); // the tampered staging release, refused as agents refuse it
    const hosts = await page.locator('section:has(h2:text("Hosts")) tbody tr').allInnerTexts();
    // Problems first: rolled back, applying, pending, in sync.
    expect(hosts.map((h) => h.split(/\s+/).slice(0, 2).join(' '))).toEqual(['db01 prod', 'web03 prod', 'web02 prod', 'web01 prod']);
    expect(hosts.join('\n')).toMatch(/web01\s+prod\s+2\s+2\s+in-sync/);
    expect(hosts.join('\n')).toMatch(/web02\s+prod\s+2\s+1\s+pending/);
    expect(hosts.join('\n')).toMatch(/db01\s+prod\s+2\s+1\s+rolled-back/);
    // What revision 2 changes for the hosts still on 1: computed in the background from the cache, then shown.
    const impact = await eventually(async () => {
      await page.reload();
      const text = await page.locator('section:has(h2:text("Impact of the newest head"))').innerText();
      return text.includes('upgraded') ? text : undefined;
    }, 'the impact section to show the closure diff');
    expect(impact).toMatch(/prod: revision 1 → 2\s+· run by db01, web02, web03/);
    expect(impact).toMatch(/upgraded\s+openssl\s+3\.0\.12\s+3\.0\.13/);
    expect(impact).toMatch(/added\s+curl\s+8\.1\.0/);
    expect(impact).toContain('reboot');
    expect(impact).toContain('kernel: linux 6.6.1 → 6.6.2');
    // The JSON the page was built from agrees.
    expect((await getJson(`${rec.url}/v1/hosts`)).body.hosts).toHaveLength(SIMS + 5);
    await page.close();
  });

  it('puts the failed and rolled-back hosts first on / among 10,005, and pages the rest', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const res = await page.goto(`${rec.url}/`);
    expect(res?.status()).toBe(200);
    const body = await res!.body();
    expect(body.length).toBeLessThan(300_000);
    const rows = await page.locator('#hosts tbody tr').allInnerTexts();
    expect(rows).toHaveLength(100);
    const failed = Array.from({ length: SIMS }, (_, i) => i).filter((i) => simState(i) === 'failed').reverse().map(simName);
    const rolledBack = [...Array.from({ length: SIMS }, (_, i) => i).filter((i) => simState(i) === 'rolled-back').reverse().map(simName), 'db01'];
    const applying = Array.from({ length: SIMS }, (_, i) => i).filter((i) => simState(i) === 'applying').reverse().map(simName);
    const rebootRequired = Array.from({ length: SIMS }, (_, i) => i).filter((i) => simState(i) === 'reboot-required').reverse().map(simName);
    const firstCells = rows.map((r) => r.split(/\s+/)[0]);
    // Failed (newest report first), then rolled back (db01 reported before every sim), then waiting for a reboot, then the newest applying ones.
    expect(firstCells.slice(0, 20)).toEqual(failed);
    expect(firstCells.slice(20, 41)).toEqual(rolledBack);
    expect(firstCells.slice(41, 61)).toEqual(rebootRequired);
    expect(firstCells.slice(61)).toEqual(applying.slice(0, 39));
    expect(rows[0]).toMatch(/failed/);
    expect(await page.locator('.pager').innerText()).toContain(`hosts 1–100 of 10005 · page 1 of 101`);
    // Unfiltered, the counters count the whole fleet.
    expect(await page.locator('#tiles').innerText()).toMatch(/20\s+failed/);
    expect(await page.locator('#tiles').innerText()).toMatch(/21\s+rolled-back/);
    await mkdir(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, 'reconciler-dashboard.png');
    await page.screenshot({ path: file });
    expect(existsSync(file)).toBe(true);

    // Following the rolled-back counter lists exactly the rolled-back hosts.
    await page.locator('#tiles a:has-text("rolled-back")').click();
    await page.waitForURL(`${rec.url}/?state=rolled-back`);
    expect((await page.locator('#hosts tbody tr').allInnerTexts()).map((r) => r.split(/\s+/)[0])).toEqual(rolledBack);

    // Following a host link shows that host's error and the full output tail, as text (the page escapes it).
    await page.locator('#hosts a.host', { hasText: 'sim09501' }).click();
    await page.waitForURL(`${rec.url}/hosts/sim09501`);
    expect(await page.locator('#error-message').innerText()).toBe('health command exited 3 on sim09501');
    expect(await page.locator('#output-tail').innerText()).toBe(TAIL);
    expect(await page.evaluate(() => (globalThis as { __pwned?: boolean }).__pwned)).toBeUndefined();

    // A host's history: one row per change of what it reported, newest first (db01 applied revision 1, then rolled back).
    await page.goto(`${rec.url}/hosts/db01`);
    const history = await page.locator('#history tbody tr').allInnerTexts();
    expect(history.map((r) => r.split('\t').slice(1, 3).join(' '))).toEqual(['rolled-back 1', 'applied 1']);
    expect(history[0]).toContain('HealthCheckFailedError');

    // Paging: page 101 holds the last five hosts.
    await page.goto(`${rec.url}/?page=100`);
    await page.locator('.pager a[rel=next]').click();
    await page.waitForURL(`${rec.url}/?page=101`);
    expect(await page.locator('#hosts tbody tr').count()).toBe(5);
    await page.close();
  });

  it('filters, finds and pages with JavaScript off, and the channel page lists the release history', async () => {
    const context = await browser!.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${rec.url}/?state=applying`);
    await page.locator('input[name=q]').fill('sim005');
    await page.locator('form[role=search] button').click();
    await page.waitForURL(`${rec.url}/?state=applying&q=sim005`);
    expect((await page.locator('#hosts tbody tr').allInnerTexts()).map((r) => r.split(/\s+/)[0])).toEqual(
      ['sim00508', 'sim00507', 'sim00506', 'sim00505', 'sim00504', 'sim00503', 'sim00502'],
    );
    // A channel name is a link to its hosts.
    await page.goto(`${rec.url}/?q=web0`);
    await page.locator('#hosts a.chan').first().click();
    await page.waitForURL(`${rec.url}/?channel=prod`);
    expect(await page.locator('#hosts tbody tr').count()).toBe(4);
    // The channel page: release history, newest first.
    const res = await page.goto(`${rec.url}/channels/prod`);
    expect(res?.status()).toBe(200);
    const history = await page.locator('section:has(h2:text("Release history")) tbody tr').allInnerTexts();
    expect(history.map((r) => r.split(/\s+/)[0])).toEqual(['2', '1']);
    expect(history[0]).toContain('test-only-ops-1, test-only-ops-2'); // revision 2 and 1 each carry both signatures
    expect(history[1]).toContain('test-only-ops-1, test-only-ops-2');
    // ... and what its newest head changes for the hosts still on revision 1 (computed by the first test's visit).
    expect(await page.locator('#impact').innerText()).toMatch(/upgraded\s+openssl\s+3\.0\.12\s+3\.0\.13/);
    await context.close();
  });

  it('refreshes rows in place with JavaScript on', async () => {
    const page = await browser!.newPage();
    await page.goto(`${rec.url}/?q=web01`);
    expect(await page.locator('#hosts tbody tr').innerText()).toMatch(/in-sync/);
    await page.evaluate(() => { (globalThis as { __same?: boolean }).__same = true; });
    const r = await fetch(`${rec.url}/v1/hosts/web01/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        host: 'web01', channel: 'prod', state: 'failed', revision: 2, digest: prod2Digest, commit: null, current: 'a1b2c3d4e5f6', booted: 'a1b2c3d4e5f6', nextboot: 'a1b2c3d4e5f6',
        agentVersion: '0.1.0', reportedAt: '2026-11-21T11:00:00Z', error: { code: 'SwitchError', message: 'switch-to-configuration exited 1' },
      }),
    });
    expect(r.status).toBe(202);
    await page.locator('#hosts tbody tr', { hasText: 'SwitchError' }).waitFor({ timeout: 25_000 });
    expect(await page.evaluate(() => (globalThis as { __same?: boolean }).__same)).toBe(true); // the same document: rows swapped, no reload
    await page.close();
  });

  it('answers a bad filter, search or page with a 400 InvalidQueryError, and an unknown host with a 404', async () => {
    for (const q of ['state=broken', 'channel=Prod', 'q=%3Cscript%3E', 'page=0', 'page=x', 'state=failed&state=stale']) {
      const r = await getJson(`${rec.url}/?${q}`);
      expect([q, r.status, r.body.code]).toEqual([q, 400, 'InvalidQueryError']);
    }
    const badHost = await getJson(`${rec.url}/hosts/web_01!`);
    expect([badHost.status, badHost.body.code, badHost.body.data.parameter]).toEqual([400, 'InvalidQueryError', 'host']);
    expect((await getJson(`${rec.url}/hosts/nosuchhost`)).body.code).toBe('NotFoundError');
    expect((await getJson(`${rec.url}/hosts/nosuchhost`)).status).toBe(404);
    expect((await getJson(`${rec.url}/channels/nosuch`)).status).toBe(404);
  });
});

import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
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

// The fleet dashboard in a real headless Chromium; the screenshot is kept in .artifacts/.
describe('reconciler dashboard', () => {
  const ops1 = testKey('test-only-ops-1');
  const ops2 = testKey('test-only-ops-2');
  let tmp: { path: string; cleanup: () => Promise<void> };
  let repo: ChannelsRepo;
  let rec: RunningReconciler;
  let browser: Browser | undefined;

  beforeAll(async () => {
    await requireProgram('git', 'git');
    await requireProgram('chromium', 'chromium');
    tmp = await makeTempDir('ogygia-rec-dash-');
    repo = await createChannelsRepo(tmp.path);
    const prod1 = approve(new ReleaseChain('prod', [ops1]).next(), ops2);
    const prod2 = new ReleaseChain('prod', [ops1, ops2], prod1).next();
    const staging = new ReleaseChain('staging', [ops1]).next();
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
    rec = await startTestReconciler({
      source: repo.bare,
      stateDir: join(tmp.path, 'state'),
      extra: { impact: { caches: [`file://${join(tmp.path, 'cache')}`], trusted_keys: [formatPublicKey(cacheKey.publicKey)] } },
    });
    await repo.publish('staging', tamper(new ReleaseChain('staging', [ops1], staging).next()).text, 'tampered staging');
    await rec.syncer.sync('test');
    const reports: Array<[string, string, Record<string, unknown>]> = [
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
  });

  afterAll(async () => {
    await browser?.close();
    await rec?.stop();
    await tmp?.cleanup();
  });

  it('renders channels and hosts readable in headless Chromium, with a screenshot', async () => {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const res = await page.goto(`${rec.url}/`);
    expect(res?.status()).toBe(200);
    expect(await page.title()).toBe('Ogygia fleet');
    const channels = await page.locator('section:has(h2:text("Channels")) tbody tr').allInnerTexts();
    expect(channels).toHaveLength(2);
    expect(channels[0]).toMatch(/^prod\s+2\s/);
    expect(channels[1]).toMatch(/^staging\s+1\s/);
    expect(channels[1]).toContain('BadSignatureError'); // the tampered staging release, refused as agents refuse it
    const hosts = await page.locator('section:has(h2:text("Hosts")) tbody tr').allInnerTexts();
    expect(hosts.map((h) => h.split(/\s+/).slice(0, 2).join(' '))).toEqual(['ci01 staging', 'db01 prod', 'web01 prod', 'web02 prod', 'web03 prod']);
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
    await mkdir(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, 'reconciler-dashboard.png');
    await page.screenshot({ path: file, fullPage: true });
    expect(existsSync(file)).toBe(true);
    // The JSON the page was built from agrees.
    expect((await getJson(`${rec.url}/v1/hosts`)).body.hosts).toHaveLength(5);
  });
});

import { describe, expect, it } from 'vitest';
import { generateSecretKey } from '../core/keys.js';
import { createLogger } from '../core/log.js';
import { formatChannelDocument, type Release } from '../core/release.js';
import type { Report } from '../core/wire/report.js';
import { systemNar, writeFakeCache } from '../testkit/fake-cache.js';
import { packagePath } from '../testkit/store-paths.js';
import { makeTempDir } from '../testkit/tmp.js';
import { renderDashboard, renderImpact } from './dashboard/render.js';
import type { ServedState } from './heads.js';
import { hostsView } from './hosts-view.js';
import { createImpactReports, impactPairs } from './impact.js';

const D = (n: number): string => 'sha256:' + String(n).repeat(64);
const C = (n: number): string => String(n).repeat(40);
const release = (revision: number, storePath: string): Release => ({
  type: 'ogygia-release',
  spec: 1,
  channel: 'prod',
  revision,
  previous: revision === 1 ? null : D(revision - 1),
  issuedAt: '2026-11-21T10:00:00Z',
  source: { revision: C(revision) },
  targets: { '*': { storePath } },
});
const sysA = packagePath('nixos-system-web-24.05', 'a');
const sysB = packagePath('nixos-system-web-24.05', 'b');
const head = (text: string) => ({ channel: 'prod', text, revision: 3, digest: D(3), commit: C(3), committedAt: '2026-11-21T09:00:00Z', blob: 'b'.repeat(40), servedAt: '2026-11-21T09:00:01Z' });
const state = (text = '{}'): ServedState => ({ heads: { prod: head(text) }, refusals: {} });
const now = new Date('2026-11-21T10:00:00Z');
const report = (host: string, revision: number | null, channel = 'prod'): { report: Report; receivedAt: string } => ({
  report: {
    host, channel, state: 'applied', revision, digest: revision === null ? null : D(revision), commit: revision === null ? null : C(revision),
    current: 'a1b2c3d4e5f6', booted: 'a1b2c3d4e5f6', nextboot: 'unknown', agentVersion: '0.1.0', reportedAt: '2026-11-21T09:59:29.000Z',
  } as Report,
  receivedAt: '2026-11-21T09:59:30.000Z',
});

describe('impactPairs', () => {
  it('lists, per channel, the revisions hosts run other than the head, newest first, with their hosts', () => {
    const rows = hostsView([report('web03', 1), report('web01', 3), report('db01', 2), report('web02', 1), report('new01', null), report('ci01', 1, 'staging')], state(), now, 60_000);
    expect(impactPairs(state(), rows).map((p) => [p.channel, p.fromRevision, p.fromDigest, p.hosts])).toEqual([
      ['prod', 2, D(2), ['db01']],
      ['prod', 1, D(1), ['web02', 'web03']],
    ]);
    expect(impactPairs(state(), rows, 1).map((p) => p.fromRevision)).toEqual([2]);
    expect(impactPairs(state(), hostsView([report('web01', 3)], state(), now, 60_000))).toEqual([]);
  });
});

describe('createImpactReports', () => {
  it('computes a report in the background from a cache and serves it from memory after', async () => {
    const tmp = await makeTempDir('ogygia-impact-');
    try {
      const key = generateSecretKey('cache-1');
      const ssl = [packagePath('openssl-3.0.12'), packagePath('openssl-3.0.13')] as const;
      await writeFakeCache(tmp.path, [
        { path: ssl[0], references: [], narSize: 100 },
        { path: ssl[1], references: [], narSize: 120 },
        { path: sysA, references: [ssl[0]], nar: systemNar() },
        { path: sysB, references: [ssl[1]], nar: systemNar() },
      ], [key]);
      const asked: string[] = [];
      const reports = createImpactReports({
        caches: [`file://${tmp.path}`],
        trustedKeys: [key.publicKey],
        concurrency: 4,
        releaseByDigest: async (_c, _commit, digest) => {
          asked.push(digest);
          return digest === D(1) ? release(1, sysA) : undefined;
        },
        log: createLogger('test', () => {}),
      });
      const served = state(formatChannelDocument({ release: release(3, sysB), signatures: [] }));
      const pairs = impactPairs(served, hostsView([report('web01', 1), report('web02', 2)], served, now, 60_000));
      expect(reports.views(pairs).map((v) => v.status)).toEqual(['computing', 'computing']);
      await reports.idle();
      const [two, one] = reports.views(pairs);
      expect(two).toMatchObject({ fromRevision: 2, status: 'failed', error: { code: 'ImpactError' } });
      expect(one).toMatchObject({ fromRevision: 1, toRevision: 3, hosts: ['web01'], status: 'ready' });
      expect(one!.report!.groups[0]!.changed).toEqual([{ name: 'openssl', from: ['3.0.12'], to: ['3.0.13'] }]);
      expect(asked).toEqual([D(2), D(1)]); // each computed once; the second views() call came from memory
      const html = renderImpact([one!, two!]);
      expect(html).toContain('prod: revision 1 → 3');
      expect(html).toContain('<td>upgraded</td><td class="name">openssl</td><td><code>3.0.12</code></td><td><code>3.0.13</code></td>');
      expect(html).toContain('no reboot needed');
      expect(html).toContain('<span class="badge bad">ImpactError</span>');
    } finally {
      await tmp.cleanup();
    }
  });
});

describe('the dashboard', () => {
  const base = { state: state(), hosts: [], now, source: '/srv/git', branch: 'main', lastSync: {} };
  it('has no impact section when no cache is configured, and says when there is nothing to diff', () => {
    expect(renderDashboard(base)).not.toContain('Impact of the newest head');
    expect(renderDashboard({ ...base, impact: [] })).toContain('nothing to diff');
  });
  it('escapes what it shows from a report', () => {
    const html = renderImpact([{ channel: 'prod', fromRevision: 1, toRevision: 2, hosts: ['<b>'], status: 'failed', error: { code: 'X', message: '<script>' } }]);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;b&gt;');
  });
});

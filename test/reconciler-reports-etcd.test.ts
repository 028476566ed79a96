import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../core/wire/report.js';
import { openEtcdStore, reportsPrefix } from '../reconciler/reports/etcd-store.js';
import type { ReportStore, StoredReport } from '../reconciler/reports/store.js';
import { startEtcd, type EtcdServer } from '../testkit/etcd.js';
import { sampleReport } from '../testkit/fleet-samples.js';
import { eventually } from '../testkit/eventually.js';

// The etcd report store keeps its host view in memory, fed by an etcd watch: every list() must come to show exactly
// what etcd holds, whoever wrote or removed it — its own writes at once, anyone else's one watch event later.

const NS = '/ogygia-view-test';
const RULES = { maxHosts: 100 };
let etcd: EtcdServer;
let a: ReportStore;
let b: ReportStore;

function stored(host: string, state: Report['state'], receivedAt: string): StoredReport {
  return { report: sampleReport(host, { state, reportedAt: receivedAt }), receivedAt };
}

const seen = async (s: ReportStore): Promise<string[]> => (await s.list()).map((r) => `${r.report.host}:${r.report.state}`).sort();
/** What `s` shows once the watch has brought every change (fails after the testkit's timeout with what it showed last). */
async function comesToShow(s: ReportStore, want: string[]): Promise<void> {
  let last: string[] = [];
  await eventually(async () => {
    last = await seen(s);
    return JSON.stringify(last) === JSON.stringify(want) ? true : undefined;
  }, `the store to show ${want.join(', ')}`).catch(() => undefined);
  expect(last).toEqual(want);
}

beforeAll(async () => {
  etcd = await startEtcd();
  const config = { endpoints: [etcd.endpoint], namespace: NS, timeoutSeconds: 10 };
  a = openEtcdStore(config);
  b = openEtcdStore(config);
}, 60_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  await etcd?.stop();
});

describe('etcd report store, fed by a watch', () => {
  it('shows new, updated, foreign and deleted keys, written by itself, a replica or anyone', async () => {
    expect(await seen(a)).toEqual([]);
    await a.keep('alpha', stored('alpha', 'applying', '2026-11-21T10:00:00Z'), RULES);
    expect(await seen(a)).toEqual(['alpha:applying']); // its own write: at once
    await b.keep('beta', stored('beta', 'applied', '2026-11-21T10:00:01Z'), RULES);
    await comesToShow(a, ['alpha:applying', 'beta:applied']);
    expect(await seen(a)).toEqual(['alpha:applying', 'beta:applied']); // nothing changed: same answer

    await b.keep('alpha', stored('alpha', 'applied', '2026-11-21T10:00:02Z'), RULES); // a replica updates a host
    await comesToShow(a, ['alpha:applied', 'beta:applied']);

    await etcd.ctl(['put', `${reportsPrefix(NS)}junk`, 'not a report']); // a foreign value: not shown
    await a.keep('gamma', stored('gamma', 'failed', '2026-11-21T10:00:03Z'), RULES);
    await comesToShow(a, ['alpha:applied', 'beta:applied', 'gamma:failed']);

    await etcd.ctl(['del', `${reportsPrefix(NS)}beta`]); // removed out of band
    await comesToShow(a, ['alpha:applied', 'gamma:failed']);

    // A delete and a create in a row: both seen.
    await etcd.ctl(['del', `${reportsPrefix(NS)}gamma`]);
    await b.keep('delta', stored('delta', 'applied', '2026-11-21T10:00:04Z'), RULES);
    await etcd.ctl(['del', `${reportsPrefix(NS)}junk`]);
    await etcd.ctl(['put', `${reportsPrefix(NS)}junk2`, 'still not a report']);
    await comesToShow(a, ['alpha:applied', 'delta:applied']);
    await comesToShow(b, ['alpha:applied', 'delta:applied']);
  });

  it('reads the prefix again after a restart of the store, and sees what was written while it was closed', async () => {
    const config = { endpoints: [etcd.endpoint], namespace: NS, timeoutSeconds: 10 };
    await b.close();
    await a.keep('epsilon', stored('epsilon', 'applied', '2026-11-21T10:00:05Z'), RULES);
    b = openEtcdStore(config);
    expect(await seen(b)).toEqual(['alpha:applied', 'delta:applied', 'epsilon:applied']);
  });

  it('keeps a burst of new hosts on two replicas at once, each of them, and no more than max_hosts', async () => {
    const burst = Array.from({ length: 120 }, (_, i) => `burst${String(i).padStart(3, '0')}`);
    const rules = { maxHosts: 4 + 100 }; // three hosts and the foreign junk2 value are under the prefix already
    const results = await Promise.all(burst.map((h, i) => (i % 2 === 0 ? a : b).keep(h, stored(h, 'applied', '2026-11-21T10:01:00Z'), rules)));
    expect(results.filter((r) => r.kept)).toHaveLength(100);
    expect(results.filter((r) => !r.kept).map((r) => (r.kept ? '' : r.error.code))).toEqual(Array(20).fill('TooManyHostsError'));
    expect(Object.keys(await etcd.getPrefix(reportsPrefix(NS))).filter((k) => k.includes('burst'))).toHaveLength(100);
  });

  it('tells a listener of a report another replica kept only once its own view has it', async () => {
    const heard: Array<{ channel: string; inView: boolean }> = [];
    const got = new Promise<void>((resolve) => {
      a.onOtherReport((channel, host) => {
        if (host !== 'zeta') return; // its own report may come back through the watch before the write's answer: one more look, no harm
        // At once, as the rollout manager's evaluation reads it next.
        void a.list().then((l) => {
          heard.push({ channel, inView: l.some((r) => r.report.host === 'zeta') });
          resolve();
        });
      });
    });
    await a.keep('eta', stored('eta', 'applied', '2026-11-21T10:02:00Z'), { maxHosts: 1000 });
    await b.keep('zeta', stored('zeta', 'failed', '2026-11-21T10:02:01Z'), { maxHosts: 1000 });
    await got;
    expect(heard).toEqual([{ channel: 'prod', inView: true }]);
  });

  it('answers concurrent lists alike, and a caller may change its copy', async () => {
    const [x, y] = await Promise.all([a.list(), a.list()]);
    expect(x.map((r) => r.report.host).sort()).toEqual(y.map((r) => r.report.host).sort());
    (x as StoredReport[]).length = 0;
    expect((await a.list()).length).toBe(105);
  });
});

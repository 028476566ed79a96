import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../core/wire/report.js';
import { openEtcdStore, reportsPrefix } from '../reconciler/reports/etcd-store.js';
import type { ReportStore, StoredReport } from '../reconciler/reports/store.js';
import { startEtcd, type EtcdServer } from '../testkit/etcd.js';

// The etcd report store reads only what changed since its last read (min_mod_revision) and counts the keys to
// notice deletions: every list() must still show exactly what etcd holds, whoever wrote or removed it.

const NS = '/ogygia-view-test';
const RULES = { maxHosts: 100 };
let etcd: EtcdServer;
let a: ReportStore;
let b: ReportStore;

function stored(host: string, state: Report['state'], receivedAt: string): StoredReport {
  const report: Report = {
    host,
    channel: 'prod',
    state,
    revision: 1,
    digest: null,
    commit: null,
    current: 'unknown',
    booted: 'unknown',
    nextboot: 'unknown',
    agentVersion: '0.1.0',
    reportedAt: receivedAt,
  };
  return { report, receivedAt };
}

const seen = async (s: ReportStore): Promise<string[]> => (await s.list()).map((r) => `${r.report.host}:${r.report.state}`).sort();

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

describe('etcd report store, read incrementally', () => {
  it('shows new, updated, foreign and deleted keys, written by itself, a replica or anyone', async () => {
    expect(await seen(a)).toEqual([]);
    await a.keep('alpha', stored('alpha', 'applying', '2026-11-21T10:00:00Z'), RULES);
    await b.keep('beta', stored('beta', 'applied', '2026-11-21T10:00:01Z'), RULES);
    expect(await seen(a)).toEqual(['alpha:applying', 'beta:applied']);
    expect(await seen(a)).toEqual(['alpha:applying', 'beta:applied']); // nothing changed: same answer

    await b.keep('alpha', stored('alpha', 'applied', '2026-11-21T10:00:02Z'), RULES); // a replica updates a host
    expect(await seen(a)).toEqual(['alpha:applied', 'beta:applied']);

    await etcd.ctl(['put', `${reportsPrefix(NS)}junk`, 'not a report']); // a foreign value: counted, not shown
    await a.keep('gamma', stored('gamma', 'failed', '2026-11-21T10:00:03Z'), RULES);
    expect(await seen(a)).toEqual(['alpha:applied', 'beta:applied', 'gamma:failed']);

    await etcd.ctl(['del', `${reportsPrefix(NS)}beta`]); // removed out of band: noticed by the count
    expect(await seen(a)).toEqual(['alpha:applied', 'gamma:failed']);

    // A delete and a create between two reads (the count alone would match): both seen.
    await etcd.ctl(['del', `${reportsPrefix(NS)}gamma`]);
    await b.keep('delta', stored('delta', 'applied', '2026-11-21T10:00:04Z'), RULES);
    await etcd.ctl(['del', `${reportsPrefix(NS)}junk`]);
    await etcd.ctl(['put', `${reportsPrefix(NS)}junk2`, 'still not a report']);
    expect(await seen(a)).toEqual(['alpha:applied', 'delta:applied']);
    expect(await seen(b)).toEqual(['alpha:applied', 'delta:applied']);
  });

  it('answers concurrent lists alike, and a caller may change its copy', async () => {
    const [x, y] = await Promise.all([a.list(), a.list()]);
    expect(x.map((r) => r.report.host).sort()).toEqual(y.map((r) => r.report.host).sort());
    x.length = 0;
    expect((await a.list()).length).toBe(2);
  });
});

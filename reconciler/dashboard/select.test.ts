import { describe, expect, it } from 'vitest';
import type { HostRow, HostState } from '../../core/wire/host-row.js';
import { InvalidQueryError } from '../../core/errors/index.js';
import { dashboardHref, matchHosts, parseDashboardQuery, problemsFirst, selectHosts } from './select.js';

const row = (host: string, state: HostState, reportedAt: string, channel = 'prod'): HostRow => ({
  host, channel, state, agentState: 'applied', desired: null, applied: { revision: 1, digest: null, commit: null },
  current: 'a', booted: 'a', nextboot: 'a', error: null, agentVersion: '0.1.0', reportedAt, lastSeen: reportedAt,
});

const T1 = '2026-11-21T10:00:01Z';
const T2 = '2026-11-21T10:00:02Z';
const T3 = '2026-11-21T10:00:03Z';

describe('problemsFirst', () => {
  it('orders failed, boot-failed, rolled-back, stale, reboot-required, applying, pending, in-sync', () => {
    const rows = [
      row('a', 'in-sync', T1), row('b', 'pending', T1), row('c', 'applying', T1), row('d', 'stale', T1), row('e', 'rolled-back', T1), row('f', 'failed', T1),
      row('g', 'reboot-required', T1), row('h', 'boot-failed', T1),
    ];
    expect(problemsFirst(rows).map((r) => r.state)).toEqual(['failed', 'boot-failed', 'rolled-back', 'stale', 'reboot-required', 'applying', 'pending', 'in-sync']);
  });
  it('puts the newest report first within a state, then sorts by host name', () => {
    const rows = [row('web1', 'failed', T1), row('web2', 'failed', T3), row('web4', 'failed', T2), row('web3', 'failed', T2), row('db1', 'in-sync', T3)];
    expect(problemsFirst(rows).map((r) => r.host)).toEqual(['web2', 'web3', 'web4', 'web1', 'db1']);
  });
  it('leaves its input as it was', () => {
    const rows = [row('a', 'in-sync', T1), row('b', 'failed', T1)];
    problemsFirst(rows);
    expect(rows.map((r) => r.host)).toEqual(['a', 'b']);
  });
});

describe('parseDashboardQuery', () => {
  it('takes no query as page 1 without filters, and empty values as no filter', () => {
    expect(parseDashboardQuery({})).toEqual({ page: 1 });
    expect(parseDashboardQuery({ state: '', channel: '', q: '  ', page: '' })).toEqual({ page: 1 });
  });
  it('takes a state, a channel, a trimmed search and a page', () => {
    expect(parseDashboardQuery({ state: 'rolled-back', channel: 'prod', q: ' web ', page: '3' })).toEqual({ state: 'rolled-back', channel: 'prod', q: 'web', page: 3 });
  });
  it.each([
    [{ state: 'broken' }, 'state'],
    [{ state: ['failed', 'stale'] }, 'state'],
    [{ channel: 'Prod' }, 'channel'],
    [{ q: '<script>' }, 'q'],
    [{ q: 'x'.repeat(64) }, 'q'],
    [{ page: '0' }, 'page'],
    [{ page: '-1' }, 'page'],
    [{ page: '1.5' }, 'page'],
    [{ page: '100001' }, 'page'],
    [{ page: 'two' }, 'page'],
  ])('refuses %j with InvalidQueryError naming %s', (raw, parameter) => {
    let err: unknown;
    try {
      parseDashboardQuery(raw);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidQueryError);
    expect((err as InvalidQueryError).data.parameter).toBe(parameter);
  });
});

describe('selectHosts', () => {
  const rows = [
    row('web01', 'in-sync', T1), row('web02', 'rolled-back', T2), row('db01', 'failed', T1, 'staging'),
    row('web03', 'rolled-back', T3), row('WEB04', 'applying', T1),
  ];
  it('filters by state and orders the rest problems first', () => {
    expect(selectHosts(rows, { state: 'rolled-back', page: 1 })).toEqual({ rows: [rows[3], rows[1]], matched: 2, page: 1, pages: 1 });
  });
  it('filters by channel and by a case-insensitive name fragment', () => {
    expect(selectHosts(rows, { channel: 'staging', page: 1 }).rows.map((r) => r.host)).toEqual(['db01']);
    expect(selectHosts(rows, { q: 'web0', page: 1 }).rows.map((r) => r.host)).toEqual(['web03', 'web02', 'WEB04', 'web01']);
  });
  it('cuts pages of the ordered rows', () => {
    expect(selectHosts(rows, { page: 1 }, 2)).toMatchObject({ matched: 5, pages: 3 });
    expect(selectHosts(rows, { page: 1 }, 2).rows.map((r) => r.host)).toEqual(['db01', 'web03']);
    expect(selectHosts(rows, { page: 3 }, 2).rows.map((r) => r.host)).toEqual(['web01']);
    expect(selectHosts(rows, { page: 4 }, 2).rows).toEqual([]);
  });
  it('matchHosts keeps the input order and applies only the filters given', () => {
    expect(matchHosts(rows, {}).map((r) => r.host)).toEqual(['web01', 'web02', 'db01', 'web03', 'WEB04']);
    expect(matchHosts(rows, { channel: 'prod', q: 'WEB' }).map((r) => r.host)).toEqual(['web01', 'web02', 'web03', 'WEB04']);
  });
  it('has one page when nothing matches', () => {
    expect(selectHosts(rows, { state: 'stale', page: 1 })).toEqual({ rows: [], matched: 0, page: 1, pages: 1 });
  });
});

describe('dashboardHref', () => {
  it('keeps the query, applies changes, and leaves out page 1 and empty values', () => {
    expect(dashboardHref({ page: 1 })).toBe('/');
    expect(dashboardHref({ state: 'failed', q: 'web', page: 2 }, { page: 3 })).toBe('/?state=failed&q=web&page=3');
    expect(dashboardHref({ state: 'failed', page: 4 }, { state: 'stale', page: 1 })).toBe('/?state=stale');
    expect(dashboardHref({ channel: 'prod', page: 1 }, { channel: undefined })).toBe('/');
  });
});

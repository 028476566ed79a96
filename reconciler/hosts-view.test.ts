import { describe, expect, it } from 'vitest';
import { hostsResponseSchema } from '../core/wire/host-row.js';
import type { Report } from '../core/wire/report.js';
import type { ServedState } from './heads.js';
import { countByState, hostsView } from './hosts-view.js';
import type { StoredReport } from './reports/store.js';

const D1 = 'sha256:' + '1'.repeat(64);
const D2 = 'sha256:' + '2'.repeat(64);
const C1 = '1'.repeat(40);
const C2 = '2'.repeat(40);
const served: ServedState = {
  heads: { prod: { channel: 'prod', text: '{}', revision: 2, digest: D2, commit: C2, committedAt: '2026-11-21T09:00:00Z', blob: 'b'.repeat(40), servedAt: '2026-11-21T09:00:01Z' } },
  refusals: {},
};
const now = new Date('2026-11-21T10:00:00Z');
const stored = (host: string, over: Partial<Report>, receivedAt = '2026-11-21T09:59:30.000Z'): StoredReport => ({
  report: {
    host,
    channel: 'prod',
    state: 'applied',
    revision: 2,
    digest: D2,
    commit: C2,
    current: 'a1b2c3d4e5f6',
    booted: 'a1b2c3d4e5f6',
    nextboot: 'unknown',
    agentVersion: '0.1.0',
    reportedAt: '2026-11-21T09:59:29.000Z',
    ...over,
  },
  receivedAt,
});

describe('hostsView', () => {
  const rows = hostsView(
    [
      stored('web03', { revision: 1, digest: D1, commit: C1 }),
      stored('web01', {}),
      stored('web02', { state: 'rolled-back', error: { code: 'HealthCheckError', message: 'unhealthy', outputTail: 'x' } }),
      stored('db01', { channel: 'db', revision: null, digest: null, commit: null }),
      stored('web04', {}, '2026-11-21T09:00:00.000Z'),
    ],
    served,
    now,
    180_000,
  );

  it('builds rows that the host row schema accepts (what `ogygia status` reads)', () => {
    const parsed = hostsResponseSchema.safeParse(JSON.parse(JSON.stringify({ hosts: rows })));
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  });

  it('sorts by host, derives the state and carries what the host applied', () => {
    expect(rows.map((r) => [r.host, r.state, r.applied.revision, r.desired?.revision ?? null])).toEqual([
      ['db01', 'pending', null, null],
      ['web01', 'in-sync', 2, 2],
      ['web02', 'rolled-back', 2, 2],
      ['web03', 'pending', 1, 2],
      ['web04', 'stale', 2, 2],
    ]);
    expect(rows[2]).toMatchObject({ agentState: 'rolled-back', error: { code: 'HealthCheckError' }, lastSeen: '2026-11-21T09:59:30.000Z' });
    expect(countByState(rows)).toEqual({ 'in-sync': 1, pending: 2, applying: 0, failed: 0, 'rolled-back': 1, stale: 1, 'reboot-required': 0, 'boot-failed': 0 });
  });
});

describe('hostsView with a staged rollout', () => {
  it('compares a host with what it is served: held back on revision 1 it is in-sync, not pending', () => {
    const rev1 = { ...served.heads.prod!, revision: 1, digest: D1, commit: C1 };
    const heldBack = (_channel: string, host: string) => (host === 'web03' ? rev1 : served.heads.prod!);
    const reports = [stored('web03', { revision: 1, digest: D1, commit: C1 }), stored('web04', { revision: 1, digest: D1, commit: C1 })];
    const rows = hostsView(reports, served, now, 60_000, heldBack);
    expect(rows.map((r) => [r.host, r.state, r.desired?.revision])).toEqual([
      ['web03', 'in-sync', 1],
      ['web04', 'pending', 2],
    ]);
    expect(hostsView(reports, served, now, 60_000).map((r) => r.state)).toEqual(['pending', 'pending']);
  });
});

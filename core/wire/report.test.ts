import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUtcTimestamp } from './fields.js';
import { fleetDetailOf, fleetDetailSchema } from './fleet-detail.js';
import { HOST_STATES, hostRowSchema, type HostRow } from './host-row.js';
import { MAX_TIMINGS, REPORT_STATES, REPORT_TEXT_MAX, reportSchema, type Report } from './report.js';

const D = 'sha256:' + 'a'.repeat(64);
const C = 'c'.repeat(40);
const report: Report = {
  host: 'web01.dc1.example.com',
  channel: 'prod',
  state: 'applied',
  revision: 42,
  digest: D,
  commit: C,
  current: 'a1b2c3d4e5f6',
  booted: 'a1b2c3d4e5f6',
  nextboot: 'unknown',
  error: { code: 'HealthCheckError', message: 'the health check failed', outputTail: 'degraded\n' },
  timings: { copy: 812, switch: 1210, total: 2170 },
  agentVersion: '0.1.0',
  reportedAt: '2026-11-21T10:00:00.000Z',
};

const problems = (v: unknown): string[] => {
  const r = reportSchema.safeParse(v);
  return r.success ? [] : r.error.issues.map((i) => (i.code === 'unrecognized_keys' ? i.keys.join(',') : i.path.join('.')));
};

describe('the report (core/wire/report.ts)', () => {
  it('accepts a full report, a minimal one, and every state', () => {
    expect(problems(report)).toEqual([]);
    const { error: _e, timings: _t, ...minimal } = report;
    expect(problems({ ...minimal, revision: null, digest: null, commit: null })).toEqual([]);
    for (const state of REPORT_STATES) expect(problems({ ...report, state })).toEqual([]);
    expect(problems({ ...report, commit: 'f'.repeat(64), reportedAt: '2026-11-21T10:00:00Z' })).toEqual([]);
    expect(problems({ ...report, seq: 1 })).toEqual([]);
    expect(problems({ ...report, seq: Number.MAX_SAFE_INTEGER })).toEqual([]);
  });

  it.each([
    ['host', { host: 'bad_host!' }],
    ['channel', { channel: 'Prod' }],
    ['state', { state: 'in-sync' }],
    ['revision', { revision: 0 }],
    ['revision', { revision: 1.5 }],
    ['digest', { digest: 'sha256:' + 'A'.repeat(64) }],
    ['commit', { commit: 'abc123' }],
    ['commit', { commit: 'C'.repeat(40) }],
    ['current', { current: '' }],
    ['booted', { booted: 'abc\u001b[2J' }],
    ['nextboot', { nextboot: 'x'.repeat(65) }],
    ['error.code', { error: { code: 'not a code', message: 'm' } }],
    ['error.message', { error: { code: 'SwitchError', message: 'm'.repeat(REPORT_TEXT_MAX + 1) } }],
    ['error.outputTail', { error: { code: 'SwitchError', message: 'm', outputTail: 't'.repeat(REPORT_TEXT_MAX + 1) } }],
    ['timings.copy', { timings: { copy: -1 } }],
    ['timings', { timings: Object.fromEntries(Array.from({ length: MAX_TIMINGS + 1 }, (_, i) => [`s${i}`, i])) }],
    ['agentVersion', { agentVersion: '' }],
    ['reportedAt', { reportedAt: '2026-11-21T10:00:00+01:00' }],
    ['reportedAt', { reportedAt: '2026-02-30T10:00:00Z' }],
    ['reportedAt', { reportedAt: '2026-11-21 10:00:00Z' }],
    ['lastSeen', { lastSeen: '2026-11-21T10:00:00Z' }],
    ['seq', { seq: 0 }],
    ['seq', { seq: 1.5 }],
    ['seq', { seq: 2 ** 53 }],
    ['seq', { seq: '17' }],
  ])('refuses a bad %s', (field, over) => {
    expect(problems({ ...report, ...over })).toContain(field);
  });

  it('requires the build revisions: an agent always knows them, `unknown` at worst', () => {
    const { current: _c, ...rest } = report;
    expect(problems(rest)).toContain('current');
  });
});

describe('isUtcTimestamp', () => {
  it('takes RFC 3339 UTC times on real calendar dates only', () => {
    expect(isUtcTimestamp('2028-02-29T23:59:59Z')).toBe(true);
    expect(isUtcTimestamp('2026-11-21T10:00:00.123456789Z')).toBe(true);
    expect(isUtcTimestamp('2027-02-29T00:00:00Z')).toBe(false);
    expect(isUtcTimestamp('2026-04-31T00:00:00Z')).toBe(false);
    expect(isUtcTimestamp('2026-13-01T00:00:00Z')).toBe(false);
    expect(isUtcTimestamp('2026-01-01T24:00:00Z')).toBe(false);
    expect(isUtcTimestamp('2026-01-01T00:00:00')).toBe(false);
    expect(isUtcTimestamp('2026-01-01T00:00:00.Z')).toBe(false);
  });
  it('accepts what Date#toISOString writes, and a date only when the calendar has it', () => {
    fc.assert(fc.property(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (d) => isUtcTimestamp(d.toISOString())));
    fc.assert(
      fc.property(fc.integer({ min: 1970, max: 2400 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), (y, m, d) => {
        const s = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}T00:00:00Z`;
        expect(isUtcTimestamp(s)).toBe(new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d);
      }),
    );
  });
});

describe('the fleet detail (core/wire/fleet-detail.ts)', () => {
  it('is the report without the host, the three build revisions and seq, and nothing else', () => {
    const detail = fleetDetailOf({ ...report, seq: 1764000000000 });
    expect(Object.keys(detail).sort()).toEqual(['agentVersion', 'channel', 'commit', 'digest', 'error', 'reportedAt', 'revision', 'state', 'timings']);
    expect(fleetDetailSchema.parse(JSON.parse(JSON.stringify(detail)))).toEqual(detail);
    expect(fleetDetailSchema.safeParse({ ...detail, current: 'a1b2c3d4e5f6' }).success).toBe(false);
    expect(fleetDetailSchema.safeParse({ ...detail, lastSeen: '2026-11-21T10:00:00Z' }).success).toBe(false);
    expect(fleetDetailSchema.safeParse({ ...detail, seq: 1 }).success).toBe(false);
    expect(fleetDetailSchema.safeParse({ channel: 'prod', revision: 42, state: 'in-sync' }).success).toBe(false);
  });
});

describe('the host row (core/wire/host-row.ts)', () => {
  const row: HostRow = {
    host: report.host,
    channel: 'prod',
    state: 'in-sync',
    agentState: 'applied',
    desired: { revision: 42, digest: D, commit: C },
    applied: { revision: 42, digest: D, commit: C },
    current: 'a1b2c3d4e5f6',
    booted: 'a1b2c3d4e5f6',
    nextboot: 'unknown',
    error: null,
    agentVersion: '0.1.0',
    reportedAt: '2026-11-21T10:00:00.000Z',
    lastSeen: '2026-11-21T10:00:00.120Z',
  };
  it('takes every derived state, and no invented field', () => {
    for (const state of HOST_STATES) expect(hostRowSchema.safeParse({ ...row, state }).success).toBe(true);
    expect(hostRowSchema.safeParse({ ...row, desired: null, applied: { revision: null, digest: null, commit: null } }).success).toBe(true);
    expect(hostRowSchema.safeParse({ ...row, state: 'applied' }).success).toBe(false);
    expect(hostRowSchema.safeParse({ ...row, appliedRevision: 42 }).success).toBe(false);
    const { applied: _a, ...noApplied } = row;
    expect(hostRowSchema.safeParse(noApplied).success).toBe(false);
  });
});

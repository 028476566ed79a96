import { describe, expect, it } from 'vitest';
import { heartbeatAfter, heartbeatEveryMs, heartbeatReport } from './heartbeat.js';
import type { Report as AgentReport } from '../core/wire/report.js';

const last = (state: AgentReport['state'], error?: AgentReport['error']): AgentReport => ({
  host: 'web01',
  channel: 'prod',
  state,
  revision: 1,
  digest: 'sha256:' + '1'.repeat(64),
  commit: 'c'.repeat(40),
  current: 'unknown',
  booted: 'unknown',
  nextboot: 'unknown',
  ...(error ? { error } : {}),
  agentVersion: '0.1.0',
  reportedAt: '2026-11-21T10:00:00.000Z',
});

describe('heartbeatAfter', () => {
  it('beats every poll interval, at least once a minute', () => {
    expect(heartbeatEveryMs(1000)).toBe(1000);
    expect(heartbeatEveryMs(3_600_000)).toBe(60_000);
  });
  it('beats after a run of unchanged polls once the interval passed', () => {
    expect(heartbeatAfter('unchanged', 59_999, 3_600_000)).toBe('wait');
    expect(heartbeatAfter('unchanged', 60_000, 3_600_000)).toBe('send');
    expect(heartbeatAfter('unchanged', 1000, 1000)).toBe('send');
  });
  it('counts a poll that saw something as a sign of life, however long ago the last beat was', () => {
    for (const o of ['up-to-date', 'quarantined', 'applied', 'refused', 'rolled-back', 'failed', 'source-unavailable', 'would-apply'] as const) {
      expect(heartbeatAfter(o, 10 * 60_000, 1000)).toBe('polled');
      expect(heartbeatAfter(o, 0, 1000)).toBe('polled');
    }
  });
});

describe('heartbeatReport', () => {
  it('re-sends the last state and error', () => {
    const error = { code: 'ReplayError', message: 'old' };
    expect(heartbeatReport(last('refused', error), 'applied')).toEqual({ reportState: 'refused', error });
    expect(heartbeatReport(last('applied'), 'applied')).toEqual({ reportState: 'applied' });
  });
  it('does not repeat applying once no step runs', () => {
    expect(heartbeatReport(last('applying'), 'applied')).toEqual({ reportState: 'applied' });
    expect(heartbeatReport(last('applying'), 'idle')).toEqual({ reportState: 'idle' });
  });
  it('reports the resting state before any report', () => {
    expect(heartbeatReport(undefined, 'rolled-back')).toEqual({ reportState: 'rolled-back' });
    expect(heartbeatReport(undefined, 'idle')).toEqual({ reportState: 'idle' });
  });
});

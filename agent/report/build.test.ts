import { describe, expect, it } from 'vitest';
import { storePath } from '../../testkit/store-paths.js';
import { emptyState, PHASES, type AgentState } from '../state.js';
import { buildReport, restingReportState, type ReportFacts } from './build.js';
import { reportSchema as agentReportSchema } from '../../core/wire/report.js';

const D1 = 'sha256:' + '1'.repeat(64);
const D2 = 'sha256:' + '2'.repeat(64);
const P1 = storePath('1');
const P2 = storePath('2');
const good = { revision: 1, digest: D1, commit: 'c'.repeat(40), storePath: P1, sourceRevision: 'b'.repeat(40) };
const onOne: AgentState = { ...emptyState('prod'), phase: 'applied', revision: 1, digest: D1, commit: 'c'.repeat(40), storePath: P1, good };
const facts: ReportFacts = {
  host: 'web01',
  channel: 'prod',
  agentVersion: '0.1.0',
  state: onOne,
  reportState: 'applied',
  revisions: { current: '0123456789ab', booted: 'unknown', nextboot: '0123456789ab' },
  now: new Date('2026-11-21T10:00:00Z'),
};

describe('buildReport', () => {
  it('reports the applied release and the local revisions', () => {
    expect(buildReport(facts)).toEqual({
      host: 'web01',
      channel: 'prod',
      state: 'applied',
      revision: 1,
      digest: D1,
      commit: 'c'.repeat(40),
      current: '0123456789ab',
      booted: 'unknown',
      nextboot: '0123456789ab',
      agentVersion: '0.1.0',
      reportedAt: '2026-11-21T10:00:00.000Z',
    });
  });

  it('reports nothing applied before the first release, whatever is in flight', () => {
    const applying: AgentState = { ...emptyState('prod'), phase: 'copying', revision: 2, digest: D2, commit: 'd'.repeat(40), storePath: P2 };
    expect(buildReport({ ...facts, state: applying, reportState: 'applying' })).toMatchObject({ state: 'applying', revision: null, digest: null, commit: null });
  });

  it('keeps reporting the last good release while a newer one is applied or rolled back', () => {
    const rolledBack: AgentState = { ...onOne, phase: 'rolled-back', revision: 2, digest: D2, storePath: P2, quarantined: [D2] };
    expect(buildReport({ ...facts, state: rolledBack, reportState: 'rolled-back' })).toMatchObject({ state: 'rolled-back', revision: 1, digest: D1 });
  });

  it('carries the error with its message cut at the end and its output tail cut at the start', () => {
    const r = buildReport({
      ...facts,
      reportState: 'failed',
      error: { code: 'SwitchError', message: 'm'.repeat(5000) + 'END', outputTail: 'START' + 'o'.repeat(5000) + 'z' },
      timings: { copy: 5, total: 9 },
    });
    expect(r.error?.code).toBe('SwitchError');
    expect(r.error?.message).toBe('m'.repeat(4096));
    expect(r.error?.outputTail).toHaveLength(4096);
    expect(r.error?.outputTail?.endsWith('oz')).toBe(true);
    expect(r.timings).toEqual({ copy: 5, total: 9 });
    expect(agentReportSchema.safeParse(r).success).toBe(true);
  });

  it('leaves out an empty output tail', () => {
    expect(buildReport({ ...facts, reportState: 'refused', error: { code: 'ReplayError', message: 'old', outputTail: '' } }).error).toEqual({ code: 'ReplayError', message: 'old' });
  });

  it('builds a report the schema accepts in every state', () => {
    for (const s of ['idle', 'applying', 'applied', 'failed', 'rolled-back', 'refused'] as const) {
      expect(agentReportSchema.safeParse(buildReport({ ...facts, reportState: s })).success).toBe(true);
    }
  });
});

describe('restingReportState', () => {
  it('is the outcome of the last apply, or idle', () => {
    expect(Object.fromEntries(PHASES.map((p) => [p, restingReportState(p)]))).toEqual({
      idle: 'idle',
      copying: 'idle',
      'setting-profile': 'idle',
      switching: 'idle',
      'health-checking': 'idle',
      'rolling-back': 'idle',
      applied: 'applied',
      'rolled-back': 'rolled-back',
      failed: 'failed',
      'reboot-required': 'reboot-required',
      rebooting: 'reboot-required',
      'boot-failed': 'boot-failed',
    });
  });
});

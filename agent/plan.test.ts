import { describe, expect, it } from 'vitest';
import { fakeStorePath } from '../testkit/releases.js';
import { planRecovery, planRelease, MAX_RESUMES } from './plan.js';
import { emptyState, type AgentState } from './state.js';
import type { VerifiedRelease } from './verify.js';

const D1 = 'sha256:' + '1'.repeat(64);
const D2 = 'sha256:' + '2'.repeat(64);
const P1 = fakeStorePath('sys-1', 1);
const P2 = fakeStorePath('sys-2', 2);

function verified(revision: number, digest: string, storePath: string): VerifiedRelease {
  return {
    doc: {} as VerifiedRelease['doc'],
    release: { source: { revision: 'b'.repeat(40) }, revision } as VerifiedRelease['release'],
    digest,
    commit: 'c'.repeat(40),
    storePath,
    transition: 'next',
  };
}

function at(phase: AgentState['phase'], over: Partial<AgentState> = {}): AgentState {
  return { ...emptyState('prod'), phase, revision: 1, digest: D1, commit: 'c'.repeat(40), storePath: P1, sourceRevision: 'b'.repeat(40), ...over };
}

describe('planRelease', () => {
  it('applies a release on a fresh host', () => {
    expect(planRelease(emptyState('prod'), verified(1, D1, P1))).toEqual({
      kind: 'apply',
      deployment: { revision: 1, digest: D1, commit: 'c'.repeat(40), storePath: P1, sourceRevision: 'b'.repeat(40) },
    });
  });
  it('does nothing when the release is the one applied', () => {
    expect(planRelease(at('applied'), verified(1, D1, P1))).toEqual({ kind: 'nothing', reason: 'up-to-date' });
  });
  it('applies a newer release', () => {
    expect(planRelease(at('applied'), verified(2, D2, P2)).kind).toBe('apply');
  });
  it('does not retry a quarantined digest', () => {
    expect(planRelease(at('rolled-back', { quarantined: [D1] }), verified(1, D1, P1))).toEqual({ kind: 'nothing', reason: 'quarantined' });
  });
  it('applies the next release after a quarantined one', () => {
    expect(planRelease(at('rolled-back', { quarantined: [D1] }), verified(2, D2, P2)).kind).toBe('apply');
  });
  it('retries a release whose copy failed (nothing was changed)', () => {
    expect(planRelease(at('failed'), verified(1, D1, P1)).kind).toBe('apply');
  });
  it('re-applies the floor release when the state was lost', () => {
    expect(planRelease(emptyState('prod'), verified(5, D2, P2)).kind).toBe('apply');
  });
});

describe('planRecovery', () => {
  it('does nothing after a finished apply', () => {
    for (const p of ['idle', 'applied', 'rolled-back', 'failed'] as const) expect(planRecovery(at(p))).toEqual({ kind: 'none' });
  });
  it('re-runs the copy after a crash while copying', () => {
    expect(planRecovery(at('copying'))).toEqual({ kind: 'resume-copy' });
    expect(planRecovery(at('copying', { resumes: 10 }))).toEqual({ kind: 'resume-copy' });
  });
  it('sets the profile and switches again after a crash in those steps', () => {
    expect(planRecovery(at('setting-profile'))).toEqual({ kind: 'resume-switch' });
    expect(planRecovery(at('switching'))).toEqual({ kind: 'resume-switch' });
  });
  it('re-checks health after a crash during the health check', () => {
    expect(planRecovery(at('health-checking'))).toEqual({ kind: 'recheck-health' });
  });
  it('rolls back instead once an apply was resumed too often', () => {
    expect(planRecovery(at('switching', { resumes: MAX_RESUMES }))).toEqual({ kind: 'rollback', reason: 'crash-loop' });
    expect(planRecovery(at('health-checking', { resumes: MAX_RESUMES }))).toEqual({ kind: 'rollback', reason: 'crash-loop' });
  });
  it('finishes an interrupted rollback', () => {
    expect(planRecovery(at('rolling-back'))).toEqual({ kind: 'rollback', reason: 'interrupted-rollback' });
  });
});

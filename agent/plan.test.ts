import { describe, expect, it } from 'vitest';
import { storePath } from '../testkit/store-paths.js';
import fc from 'fast-check';
import { afterReboot, planPoll, planRecovery, planRelease, resumeStep, MAX_RESUMES } from './plan.js';
import { PHASES } from './state.js';
import { emptyState, type AgentState } from './state.js';
import type { VerifiedRelease } from './verify.js';

const D1 = 'sha256:' + '1'.repeat(64);
const D2 = 'sha256:' + '2'.repeat(64);
const P1 = storePath('1');
const P2 = storePath('2');

function verified(revision: number, digest: string, storePath: string, substituters?: string[]): VerifiedRelease {
  return {
    doc: {} as VerifiedRelease['doc'],
    release: { source: { revision: 'b'.repeat(40) }, revision, ...(substituters ? { substituters } : {}) } as VerifiedRelease['release'],
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
  it('does nothing for the release it applied and waits to reboot into, or is rebooting into', () => {
    expect(planRelease(at('reboot-required'), verified(1, D1, P1))).toEqual({ kind: 'nothing', reason: 'up-to-date' });
    expect(planRelease(at('rebooting'), verified(1, D1, P1))).toEqual({ kind: 'nothing', reason: 'up-to-date' });
  });
  it('applies a newer release while a reboot is pending', () => {
    expect(planRelease(at('reboot-required'), verified(2, D2, P2)).kind).toBe('apply');
  });
  it('does not retry a release whose boot failed', () => {
    expect(planRelease(at('boot-failed', { quarantined: [D1] }), verified(1, D1, P1))).toEqual({ kind: 'nothing', reason: 'quarantined' });
    expect(planRelease(at('boot-failed', { quarantined: [D1] }), verified(2, D2, P2)).kind).toBe('apply');
  });
  it('re-applies the floor release when the state was lost', () => {
    expect(planRelease(emptyState('prod'), verified(5, D2, P2)).kind).toBe('apply');
  });
});

describe('planRecovery', () => {
  it('does nothing after a finished apply', () => {
    for (const p of ['idle', 'applied', 'rolled-back', 'failed', 'reboot-required', 'boot-failed'] as const) expect(planRecovery(at(p))).toEqual({ kind: 'none' });
  });
  it('confirms the boot of a host waiting for its reboot that already runs the applied system (someone else rebooted it)', () => {
    expect(planRecovery(at('reboot-required'), P1)).toEqual({ kind: 'confirm-boot' });
    expect(planRecovery(at('reboot-required'), P2)).toEqual({ kind: 'none' });
    expect(planRecovery(at('reboot-required'), null)).toEqual({ kind: 'none' });
    expect(planRecovery(at('applied'), P1)).toEqual({ kind: 'none' });
  });
  it('confirms the boot after a start in rebooting, however often it resumed', () => {
    expect(planRecovery(at('rebooting'))).toEqual({ kind: 'confirm-boot' });
    expect(planRecovery(at('rebooting', { resumes: MAX_RESUMES + 3 }))).toEqual({ kind: 'confirm-boot' });
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

describe('planPoll', () => {
  const CONFIGURED = ['http://127.0.0.1:35742'];
  const opts = { dryRun: false, substituters: CONFIGURED };
  const d2 = { revision: 2, digest: D2, commit: 'c'.repeat(40), storePath: P2, sourceRevision: 'b'.repeat(40) };

  it('applies a newer release from [nix] substituters when the release names none', () => {
    expect(planPoll(at('applied'), verified(2, D2, P2), opts)).toEqual({ kind: 'apply', deployment: d2, substituters: CONFIGURED });
  });
  it("applies from the release's own substituters when it names some", () => {
    expect(planPoll(at('applied'), verified(2, D2, P2, ['https://cache.example.com']), opts)).toEqual({
      kind: 'apply',
      deployment: d2,
      substituters: ['https://cache.example.com'],
    });
  });
  it('only says what it would apply on a dry run', () => {
    expect(planPoll(at('applied'), verified(2, D2, P2), { ...opts, dryRun: true })).toEqual({ kind: 'would-apply', deployment: d2 });
  });
  it('does nothing for the release applied, or a quarantined one, dry run or not', () => {
    for (const dryRun of [false, true]) {
      expect(planPoll(at('applied'), verified(1, D1, P1), { ...opts, dryRun })).toEqual({ kind: 'nothing', reason: 'up-to-date' });
      expect(planPoll(at('rolled-back', { quarantined: [D2] }), verified(2, D2, P2), { ...opts, dryRun })).toEqual({ kind: 'nothing', reason: 'quarantined' });
    }
  });
});

describe('afterReboot', () => {
  it.each([
    ['the machine came back on the applied system', { expected: P2, booted: P2, rebooted: true }, { kind: 'booted-applied' }],
    ['the bootloader fell back to the old system', { expected: P2, booted: P1, rebooted: true }, { kind: 'boot-failed', booted: P1 }],
    ['there is no booted system to read', { expected: P2, booted: null, rebooted: true }, { kind: 'boot-failed', booted: null }],
    ['the agent stopped before the reboot (the marker in /run is still there)', { expected: P2, booted: P1, rebooted: false }, { kind: 'not-rebooted' }],
    ['the marker is there though the applied system booted (no reboot happened: the system was booted before)', { expected: P2, booted: P2, rebooted: false }, { kind: 'not-rebooted' }],
  ] as const)('%s', (_name, facts, want) => {
    expect(afterReboot(facts)).toEqual(want);
  });

  it('reports boot-failed exactly when a reboot happened into anything but the applied system', () => {
    const path = fc.option(fc.constantFrom(P1, P2, storePath('3')), { nil: null });
    fc.assert(
      fc.property(fc.constantFrom(P1, P2), path, fc.boolean(), (expected, booted, rebooted) => {
        const r = afterReboot({ expected, booted, rebooted });
        expect(r.kind === 'boot-failed').toBe(rebooted && booted !== expected);
        expect(r.kind === 'booted-applied').toBe(rebooted && booted === expected);
      }),
    );
  });
});

describe('resumeStep', () => {
  it('resumes a confirmed boot at the health check', () => {
    expect(resumeStep({ kind: 'booted-applied' })).toBe('health');
  });
  it('resumes a crash while copying at the copy', () => {
    expect(resumeStep({ kind: 'resume-copy' })).toBe('copy');
  });
  it('resumes a crash while setting the profile or switching at the profile, then the switch', () => {
    expect(resumeStep({ kind: 'resume-switch' })).toBe('switch');
  });
  it('resumes a crash during the health check at the health check', () => {
    expect(resumeStep({ kind: 'recheck-health' })).toBe('health');
  });
  it('maps every resumable phase found after a restart to its step', () => {
    const step = (phase: AgentState['phase']) => {
      const r = planRecovery(at(phase));
      return r.kind === 'resume-copy' || r.kind === 'resume-switch' || r.kind === 'recheck-health' ? resumeStep(r) : r.kind;
    };
    expect(
      ['copying', 'setting-profile', 'switching', 'health-checking', 'rolling-back', 'applied', 'reboot-required', 'rebooting', 'boot-failed'].map((p) =>
        step(p as AgentState['phase']),
      ),
    ).toEqual(['copy', 'switch', 'switch', 'health', 'rollback', 'none', 'none', 'confirm-boot', 'none']);
  });
  it('has an answer for every phase a crash can leave behind', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PHASES), fc.integer({ min: 0, max: 5 }), (phase, resumes) => {
        const r = planRecovery(at(phase, { resumes }));
        const resting = ['idle', 'applied', 'rolled-back', 'failed', 'reboot-required', 'boot-failed'].includes(phase);
        expect(r.kind === 'none').toBe(resting);
        if (phase === 'rebooting') expect(r.kind).toBe('confirm-boot');
      }),
    );
  });
});

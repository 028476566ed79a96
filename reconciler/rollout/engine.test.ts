import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { waveOfHost, type Rollout } from '../../core/rollout.js';
import { channelListEntrySchema } from '../../core/wire/channel-list.js';
import type { ServedHead } from '../heads.js';
import { evaluate, fallbackAfter, hostPlace, knownHosts, progressView, releaseFor, startRecord, waveIndexOf, type HostReport } from './engine.js';
import { openWaves, type RolloutRecord } from './record.js';

const digest = (n: number): string => 'sha256:' + n.toString(16).padStart(64, '0');
const head = (revision: number): ServedHead => ({
  channel: 'prod',
  text: `{"rev":${revision}}`,
  revision,
  digest: digest(revision),
  commit: String(revision % 10).repeat(40),
  committedAt: '2026-11-21T09:00:00.000Z',
  blob: 'b'.repeat(40),
  servedAt: '2026-11-21T09:00:00.000Z',
});
const T0 = Date.parse('2026-11-21T10:00:00.000Z');
const at = (s: number): Date => new Date(T0 + s * 1000);
const STALE = 60_000;

function report(host: string, rev: number | null, s: number, state: HostReport['state'] = 'applied', errorCode: string | null = null): HostReport {
  return { host, channel: 'prod', state, digest: rev === null ? null : digest(rev), errorCode, receivedAt: at(s).toISOString() };
}

// web01 canary, then 50 % of 4 hosts, then the rest.
const ROLLOUT: Rollout = { waves: [{ hosts: ['web01'], soakSeconds: 10 }, { percent: 50, soakSeconds: 20 }, { percent: 100 }], maxFailures: 0 };
const HOSTS = ['db01', 'web01', 'web02', 'web03'];
const H1 = head(1);
const H2 = head(2);

function started(rollout: Rollout = ROLLOUT, prev?: RolloutRecord): RolloutRecord {
  const base = prev ?? startRecord(undefined, H1, undefined, HOSTS, null, at(-100));
  return startRecord(base, H2, rollout, HOSTS, null, at(0));
}

describe('startRecord', () => {
  it('plans the waves once, opens wave 1, and keeps the previous head as fallback when it had no rollout', () => {
    const r = started();
    expect(r.fallback?.revision).toBe(1);
    expect(r.progress?.plan[0]).toEqual(['web01']);
    expect(r.progress?.plan.flat().sort()).toEqual(HOSTS);
    expect(r.progress?.plan[1]).toHaveLength(1); // 50 % of 4 = 2, web01 counts toward it
    expect(openWaves(r.progress!)).toBe(1);
    expect(startRecord(r, H2, ROLLOUT, ['a', 'b'], null, at(5))).toBe(r); // the same head keeps its record
  });

  it('a newer release replaces a halted one, which is then no fallback', () => {
    const halted = evaluate(started(), ROLLOUT, [report('web01', 1, 1, 'rolled-back', 'HealthCheckError')], at(2), STALE).record;
    expect(halted.progress?.state).toBe('halted');
    const next = startRecord(halted, head(3), ROLLOUT, HOSTS, null, at(3));
    expect(next.fallback?.revision).toBe(1);
    expect(fallbackAfter(halted)?.revision).toBe(1);
  });

  it('without a previous record, takes the fallback read from history', () => {
    expect(startRecord(undefined, H2, ROLLOUT, HOSTS, H1, at(0)).fallback).toBe(H1);
  });
});

describe('evaluate', () => {
  it('opens wave 2 only after the canary is in-sync and its soak has passed, and logs it', () => {
    const r = started();
    const rs = [report('web01', 2, 5), report('web02', 1, 5), report('web03', 1, 5), report('db01', 1, 5)];
    const e1 = evaluate(r, ROLLOUT, rs, at(6), STALE);
    expect(e1.events).toEqual([]);
    expect(e1.nextCheckAt).toEqual(at(15)); // in-sync at 5, soak 10
    const e2 = evaluate(e1.record, ROLLOUT, rs, at(15), STALE);
    expect(e2.events).toEqual([{ kind: 'opened', wave: 2, waves: 3, percent: 50, hosts: 2 }]);
    expect(e2.record.progress?.openedAt).toEqual([at(0).toISOString(), at(15).toISOString()]);
  });

  it('counts the soak from the first in-sync report, not the latest heartbeat', () => {
    let r = evaluate(started(), ROLLOUT, [report('web01', 2, 5)], at(5), STALE).record;
    r = evaluate(r, ROLLOUT, [report('web01', 2, 14)], at(14), STALE).record;
    expect(evaluate(r, ROLLOUT, [report('web01', 2, 15)], at(15), STALE).events).toHaveLength(1);
  });

  it('waits for every non-stale host of the open waves; a stale one no longer holds it up', () => {
    const r = started({ waves: [{ hosts: ['web01', 'web02'], soakSeconds: 0 }, { percent: 100 }], maxFailures: 0 });
    const rs = [report('web01', 2, 5), report('web02', 1, 1, 'applying')];
    const e = evaluate(r, ROLLOUT, rs, at(6), STALE);
    expect(e.events).toEqual([]);
    expect(e.nextCheckAt).toEqual(new Date(T0 + 1000 + STALE + 1)); // when web02 goes stale
    expect(evaluate(e.record, ROLLOUT, rs, e.nextCheckAt!, STALE).events.map((x) => x.kind)).toContain('opened');
  });

  it('halts when more than maxFailures hosts of open waves fail, naming them; halted stays halted', () => {
    const e = evaluate(started(), ROLLOUT, [report('web01', 1, 3, 'rolled-back', 'HealthCheckError')], at(3), STALE);
    expect(e.events).toEqual([{ kind: 'halted', reason: 'web01 rolled-back (HealthCheckError)' }]);
    expect(e.record.progress).toMatchObject({ state: 'halted', haltReason: 'web01 rolled-back (HealthCheckError)' });
    const later = evaluate(e.record, ROLLOUT, [report('web01', 2, 100)], at(1000), STALE);
    expect(later.record).toBe(e.record);
  });

  it('counts an agent that refused the release (its verification) as a failure, with its code', () => {
    const e = evaluate(started(), ROLLOUT, [report('web01', 1, 3, 'refused', 'ExpiredReleaseError')], at(3), STALE);
    expect(e.events).toEqual([{ kind: 'halted', reason: 'web01 failed (ExpiredReleaseError)' }]);
  });

  it('holds the next wave while the canary waits for its reboot, and halts when it came back on another system', () => {
    // Waiting for the reboot, the agent still reports the release it ran before (DESIGN §13): not in-sync.
    const waiting = evaluate(started(), ROLLOUT, [report('web01', 1, 3, 'reboot-required')], at(30), STALE);
    expect(waiting.events).toEqual([]);
    expect(waiting.record.progress?.state).toBe('in-progress');
    const e = evaluate(waiting.record, ROLLOUT, [report('web01', 1, 40, 'boot-failed', 'BootFailedError')], at(40), STALE);
    expect(e.events).toEqual([{ kind: 'halted', reason: 'web01 failed (BootFailedError)' }]);
  });

  it('does not take the heartbeat of an earlier failure, just after the wave opened, for a failure of this release', () => {
    const failing = [report('web01', 1, -30, 'rolled-back', 'HealthCheckError')];
    const base = startRecord(undefined, H1, undefined, HOSTS, null, at(-100));
    const r = startRecord(base, H2, ROLLOUT, HOSTS, null, at(0), failing);
    expect(r.progress?.failingAtOpen).toEqual({ web01: true });
    // The agent re-sends its last report (rolled-back, on revision 1) a moment after the rollout started: not a failure.
    const beat = evaluate(r, ROLLOUT, [report('web01', 1, 1, 'rolled-back', 'HealthCheckError')], at(1), STALE);
    expect(beat.record.progress?.state).toBe('in-progress');
    expect(beat.record.progress?.failures).toEqual({});
    // The same report later than the grace is one.
    const late = evaluate(beat.record, ROLLOUT, [report('web01', 1, 6, 'rolled-back', 'HealthCheckError')], at(6), STALE);
    expect(late.record.progress?.state).toBe('halted');
    // So is a failure after the host showed its attempt (applying), however soon.
    const tried = evaluate(beat.record, ROLLOUT, [report('web01', 1, 2, 'applying')], at(2), STALE);
    expect(tried.record.progress?.failingAtOpen).toEqual({});
    expect(evaluate(tried.record, ROLLOUT, [report('web01', 1, 3, 'rolled-back', 'HealthCheckError')], at(3), STALE).record.progress?.state).toBe('halted');
  });

  it('ignores a failure reported before the host was given the release, and one from a gated host', () => {
    const r = started();
    const old = [report('web01', 1, -5, 'rolled-back', 'HealthCheckError'), report('web02', 1, 3, 'failed', 'NixCopyError')];
    expect(evaluate(r, ROLLOUT, old, at(4), STALE).record.progress?.state).toBe('in-progress');
  });

  it('tolerates maxFailures failures, and a counted failure does not hold the next wave', () => {
    const rollout = { ...ROLLOUT, maxFailures: 1, waves: [{ hosts: ['web01', 'web02'], soakSeconds: 0 }, { percent: 100 }] };
    const r = started(rollout);
    const e = evaluate(r, rollout, [report('web01', 1, 3, 'rolled-back', 'HealthCheckError'), report('web02', 2, 3), report('db01', 1, 3)], at(3), STALE);
    expect(e.record.progress?.state).toBe('in-progress');
    expect(e.events).toEqual([{ kind: 'opened', wave: 2, waves: 2, percent: 100, hosts: 4 }]); // db01 holds the completion
  });

  it('completes when the last wave is open and every non-stale host is in-sync', () => {
    const rollout: Rollout = { waves: [{ percent: 100 }], maxFailures: 0 };
    const r = started(rollout);
    const e = evaluate(r, rollout, HOSTS.map((h) => report(h, 2, 1)), at(2), STALE);
    expect(e.events).toEqual([{ kind: 'complete' }]);
    expect(fallbackAfter(e.record)).toBe(H2);
  });
});

describe('releaseFor', () => {
  it('serves the head to open waves and the fallback to the others', () => {
    const r = started();
    expect(releaseFor(r, H2, true, 'web01')).toBe(H2);
    expect(releaseFor(r, H2, true, 'WEB01')).toBe(H2);
    const gated = HOSTS.filter((h) => h !== 'web01');
    for (const h of gated) expect(releaseFor(r, H2, true, h)).toBe(H1);
    expect(releaseFor(r, H2, true, 'new-host')).toBe(H1); // unknown: the last wave
  });

  it('without a fallback a gated host gets nothing; a head without rollout goes to everyone', () => {
    const r = startRecord(undefined, H2, ROLLOUT, HOSTS, null, at(0));
    expect(releaseFor(r, H2, true, 'web02')).toBeNull();
    expect(releaseFor(undefined, H1, false, 'web02')).toBe(H1);
    expect(releaseFor(undefined, H1, true, 'web02')).toBeNull();
  });

  it('a head not started yet (another replica leads) is gated; hosts keep what they were given', () => {
    const r = started();
    const H3 = head(3);
    expect(releaseFor(r, H3, true, 'web01')).toBe(H2);
    expect(releaseFor(r, H3, true, 'web02')).toBe(H1);
    expect(releaseFor(r, H3, false, 'web02')).toBe(H3);
  });

  it('a host whose wave of a replaced rollout was open keeps that release while gated by the next', () => {
    const r = started();
    const next = startRecord(r, head(3), { waves: [{ hosts: ['db01'] }, { percent: 100 }], maxFailures: 0 }, HOSTS, null, at(1));
    expect(next.fallback?.revision).toBe(1);
    expect(releaseFor(next, head(3), true, 'db01')?.revision).toBe(3);
    expect(releaseFor(next, head(3), true, 'web01')?.revision).toBe(2);
    expect(releaseFor(next, head(3), true, 'web02')?.revision).toBe(1);
  });
});

describe('hostPlace', () => {
  it('says which wave a host is in, whether it is open, and whether it counts as a failure', () => {
    const r = started();
    expect(hostPlace(r, 'WEB01')).toEqual({ revision: 2, state: 'in-progress', wave: 1, waves: 3, open: true, failure: null });
    const other = HOSTS.find((h) => waveIndexOf(r.progress!, h) === 2)!;
    expect(hostPlace(r, other)).toMatchObject({ wave: 3, open: false });
    const halted = evaluate(r, ROLLOUT, [report('web01', 1, 3, 'rolled-back', 'HealthCheckError')], at(3), STALE).record;
    expect(hostPlace(halted, 'web01')).toMatchObject({ state: 'halted', failure: { state: 'rolled-back', code: 'HealthCheckError' } });
    expect(hostPlace(undefined, 'web01')).toBeNull();
    expect(hostPlace(startRecord(undefined, H1, undefined, HOSTS, null, at(0)), 'web01')).toBeNull();
  });
});

describe('knownHosts and progressView', () => {
  it('knows the hosts that reported on the channel and enrolled hosts not on another one', () => {
    const rs = [report('web01', 1, 0), { ...report('ci01', 1, 0), channel: 'staging' }];
    expect(knownHosts('prod', rs, ['WEB01', 'db01', 'ci01'])).toEqual(['db01', 'web01']);
  });

  it('shows where the rollout stands, in the GET /v1/channels shape', () => {
    const rs = [report('web01', 2, 5), report('web02', 1, 5)];
    const e = evaluate(started(), ROLLOUT, rs, at(6), STALE);
    const view = progressView(e.record, ROLLOUT, rs, at(6), STALE);
    expect(view).toEqual({
      state: 'in-progress',
      revision: 2,
      digest: digest(2),
      wave: 1,
      waves: 3,
      hostsInWaves: 1,
      hostsTotal: 4,
      hostsDone: 1,
      failures: 0,
      maxFailures: 0,
      haltReason: null,
      waveOpenedAt: at(0).toISOString(),
      nextWaveAt: at(15).toISOString(),
      fallback: { revision: 1, digest: digest(1) },
    });
    const entry = { name: 'prod', revision: 2, digest: digest(2), commit: H2.commit, committedAt: H2.committedAt, servedAt: H2.servedAt, refusal: null, rollout: view };
    expect(channelListEntrySchema.parse(entry)).toEqual(entry);
  });
});

describe('properties', () => {
  const hostArb = fc.constantFrom(...HOSTS, 'new01');
  const stateArb = fc.constantFrom<HostReport['state']>('applied', 'idle', 'applying', 'failed', 'rolled-back', 'refused');
  const stepArb = fc.record({ host: hostArb, rev: fc.constantFrom(1, 2, null), state: stateArb, dt: fc.integer({ min: 0, max: 30 }) });
  const rolloutArb = fc.record({
    waves: fc.constantFrom<Rollout['waves']>(
      [{ hosts: ['web01'], soakSeconds: 5 }, { percent: 50, soakSeconds: 10 }, { percent: 100 }],
      [{ percent: 25, soakSeconds: 0 }, { percent: 100 }],
      [{ hosts: ['db01', 'web02'] }, { percent: 100, soakSeconds: 3 }],
    ),
    maxFailures: fc.integer({ min: 0, max: 2 }),
  });

  it('waves open in order, never close; a host keeps the release once its wave opened; halted stays halted', () => {
    fc.assert(
      fc.property(rolloutArb, fc.array(stepArb, { maxLength: 40 }), (rollout, steps) => {
        let r = started(rollout);
        let t = 0;
        const latest = new Map<string, HostReport>();
        const hadIt = new Set<string>(['web01', ...HOSTS].filter((h) => releaseFor(r, H2, true, h) === H2));
        for (const s of steps) {
          t += s.dt;
          latest.set(s.host, report(s.host, s.rev, t, s.state, s.state === 'failed' || s.state === 'rolled-back' ? 'HealthCheckError' : null));
          const before = r.progress!;
          const e = evaluate(r, rollout, [...latest.values()], at(t), STALE);
          const after = e.record.progress!;
          expect(openWaves(after)).toBeGreaterThanOrEqual(openWaves(before));
          expect(after.openedAt.slice(0, before.openedAt.length)).toEqual(before.openedAt);
          expect(openWaves(after)).toBeLessThanOrEqual(after.plan.length);
          if (before.state === 'halted') expect(e.record).toBe(r);
          if (before.state === 'complete') expect(after.state).toBe('complete');
          const opened = e.events.filter((x) => x.kind === 'opened').map((x) => (x.kind === 'opened' ? x.wave : 0));
          expect(opened).toEqual(opened.map((_, i) => openWaves(before) + i + 1));
          r = e.record;
          for (const h of hadIt) expect(releaseFor(r, H2, true, h)).toBe(H2);
          for (const h of [...HOSTS, 'new01']) if (releaseFor(r, H2, true, h) === H2) hadIt.add(h);
        }
      }),
    );
  });

  it('waveIndexOf answers as core/rollout.ts waveOfHost', () => {
    fc.assert(
      fc.property(rolloutArb, fc.constantFrom(...HOSTS, 'WEB02', 'new01'), (rollout, host) => {
        const p = started(rollout).progress!;
        expect(waveIndexOf(p, host)).toBe(waveOfHost(p.plan, host));
      }),
    );
  });

  it('a gated host is served the fallback, never a release between', () => {
    fc.assert(
      fc.property(rolloutArb, fc.constantFrom(...HOSTS, 'new01'), (rollout, host) => {
        const r = started(rollout);
        const got = releaseFor(r, H2, true, host);
        expect(got === H2 || got === H1).toBe(true);
      }),
    );
  });
});

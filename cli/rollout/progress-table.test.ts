import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../core/display-width.js';
import type { ChannelListEntry, RolloutProgress } from '../../core/wire/channel-list.js';
import { EXIT_HALTED, renderRolloutStatus, rolloutExitStatus, untilText } from './progress-table.js';

const D = (c: string): string => 'sha256:' + c.repeat(64);
const C = 'c'.repeat(40);
const NOW = new Date('2026-11-27T18:00:00Z');

function entry(name: string, rollout: RolloutProgress | null, over: Partial<ChannelListEntry> = {}): ChannelListEntry {
  return { name, revision: rollout?.revision ?? 7, digest: D('7'), commit: C, committedAt: '2026-11-27T17:00:00Z', servedAt: '2026-11-27T17:00:01Z', refusal: null, rollout, ...over };
}

const PROGRESS: RolloutProgress = {
  state: 'in-progress',
  revision: 42,
  digest: D('a'),
  wave: 2,
  waves: 3,
  hostsInWaves: 4,
  hostsTotal: 12,
  hostsDone: 3,
  failures: 0,
  maxFailures: 1,
  haltReason: null,
  waveOpenedAt: '2026-11-27T17:50:00Z',
  nextWaveAt: '2026-11-27T18:12:00Z',
  fallback: { revision: 41, digest: D('b') },
};

describe('renderRolloutStatus', () => {
  it('one row per channel, a dash line as wide as the table, then why a rollout halted and what held hosts get', () => {
    const halted: RolloutProgress = { ...PROGRESS, state: 'halted', revision: 9, wave: 1, hostsInWaves: 1, hostsTotal: 3, hostsDone: 0, failures: 1, maxFailures: 0, haltReason: 'db01: rolled-back (HealthCheckError)', nextWaveAt: null, fallback: { revision: 8, digest: D('8') } };
    const done: RolloutProgress = { ...PROGRESS, state: 'complete', revision: 5, wave: 3, hostsInWaves: 12, hostsDone: 12, nextWaveAt: null, fallback: null };
    expect(renderRolloutStatus([entry('prod', PROGRESS), entry('staging', halted), entry('dev', done), entry('lab', null)], NOW)).toEqual([
      'Channel  Revision  Rollout      Wave  In waves  In-sync  Failures  Next wave',
      '-'.repeat('prod     42        in-progress  2/3   4/12      3/12     0/1       2026-11-27T18:12:00Z (in 12m)'.length),
      'prod     42        in-progress  2/3   4/12      3/12     0/1       2026-11-27T18:12:00Z (in 12m)',
      'staging  9         halted       1/3   1/3       0/3      1/0       -',
      'dev      5         complete     3/3   12/12     12/12    0/1       -',
      'lab      7         none         -     -         -        -         -',
      `prod: hosts outside the open waves get revision 41 (${D('b').slice(0, 19)}…)`,
      'staging: revision 9 halted: db01: rolled-back (HealthCheckError)',
      `staging: hosts outside the open waves get revision 8 (${D('8').slice(0, 19)}…)`,
    ]);
  });

  it('says so when the reconciler serves no channel, and shows a channel with no head and a refused commit', () => {
    expect(renderRolloutStatus([], NOW)).toEqual(['rollout: the reconciler serves no channel yet']);
    const refused = entry('prod', null, { revision: null, digest: null, refusal: { code: 'ThresholdNotMetError', message: 'needs 2', commit: 'd'.repeat(40), at: '2026-11-27T17:00:00Z' } });
    expect(renderRolloutStatus([refused], NOW).slice(2)).toEqual(['prod     -         none     -     -         -        -         -', `prod: newest commit dddddddddddd refused: ThresholdNotMetError: needs 2`]);
  });

  it('never sends a control character from the answer to the terminal', () => {
    const evil: RolloutProgress = { ...PROGRESS, state: 'halted', haltReason: 'db01 \u001b]0;pwned\u0007 \u009b2J' };
    const out = renderRolloutStatus([entry('prod', evil)], NOW).join('\n');
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(out).toContain('db01 \\e]0;pwned\\x07 \\x9b2J');
  });

  it('keeps columns aligned whatever the names and counts', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/), fc.nat({ max: 100000 }), fc.integer({ min: 1, max: 16 })), { minLength: 1, maxLength: 6 }), (rows) => {
        const channels = rows.map(([name, n, waves]) => entry(name, { ...PROGRESS, hostsTotal: n, hostsDone: Math.min(n, 3), waves, wave: 1 }));
        const lines = renderRolloutStatus(channels, NOW);
        const start = lines[0]!.indexOf('Next wave');
        for (const line of lines.slice(2, 2 + rows.length)) expect(displayWidth(line.slice(0, line.indexOf('2026-')))).toBe(start);
      }),
    );
  });
});

describe('untilText and the exit status', () => {
  it.each<[string, string]>([
    ['2026-11-27T18:00:00Z', 'due'],
    ['2026-11-27T17:00:00Z', 'due'],
    ['2026-11-27T18:00:45Z', 'in 45s'],
    ['2026-11-27T18:12:00Z', 'in 12m'],
    ['2026-11-27T20:05:00Z', 'in 2h05m'],
    ['2026-11-30T18:00:00Z', 'in 3d'],
  ])('%s from 18:00 is %s', (at, text) => {
    expect(untilText(at, NOW)).toBe(text);
  });

  it('is 3 when a shown rollout is halted, else 0', () => {
    expect(EXIT_HALTED).toBe(3);
    expect(rolloutExitStatus([entry('prod', PROGRESS), entry('lab', null)])).toBe(0);
    expect(rolloutExitStatus([entry('prod', PROGRESS), entry('staging', { ...PROGRESS, state: 'halted' })])).toBe(3);
    expect(rolloutExitStatus([])).toBe(0);
  });
});

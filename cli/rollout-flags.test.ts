import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidRolloutError, InvalidWaveError, UsageError } from '../core/errors/index.js';
import { describeRollout, formatRollout, parseRollout, type Rollout } from '../core/rollout.js';
import { codeOf, thrownBy } from '../testkit/error-code.js';
import { formatWaveSpec, parseWaveSpec, rolloutFlags, rolloutFromFlags } from './rollout-flags.js';


describe('parseWaveSpec', () => {
  it.each<[string, object]>([
    ['web01', { hosts: ['web01'] }],
    ['web01,web02:600', { hosts: ['web01', 'web02'], soakSeconds: 600 }],
    ['25%:1800', { percent: 25, soakSeconds: 1800 }],
    ['100%', { percent: 100 }],
    ['db01,10%:10m', { hosts: ['db01'], percent: 10, soakSeconds: 600 }],
    ['10%,db01', { hosts: ['db01'], percent: 10 }],
    ['50%:1h', { percent: 50, soakSeconds: 3600 }],
    ['50%:2d', { percent: 50, soakSeconds: 172800 }],
    ['50%:90s', { percent: 50, soakSeconds: 90 }],
    ['web01:0', { hosts: ['web01'], soakSeconds: 0 }],
    ['12.5%', { percent: 12.5 }], // read as a number; parseRollout refuses it with the rule
  ])('reads %s', (spec, wave) => {
    expect(parseWaveSpec(spec)).toEqual(wave);
  });

  it.each(['', ':600', 'web01:', 'web01:soon', 'web01:10x', 'web01:-5', 'web01:1:2', 'web01,,web02', 'web01,', ',web01', '10%,20%', '%', 'ten%', '10%%', 'web01:1.5m'])(
    'refuses %j as a UsageError naming the value',
    (spec) => {
      const e = thrownBy(() => parseWaveSpec(spec));
      expect(e).toBeInstanceOf(UsageError);
      expect(e.message).toBe(
        `--wave ${JSON.stringify(spec)} is not HOSTS[:SOAK], PERCENT%[:SOAK] or HOSTS,PERCENT%[:SOAK] (SOAK in seconds, or with s, m, h or d); ` +
          'write each wave like --wave web01,web02:600 --wave 25%:30m --wave 100%.',
      );
    },
  );
});

describe('rolloutFromFlags', () => {
  it('builds the brief example, max failures 0 unless told', () => {
    expect(rolloutFromFlags({ wave: ['web01,web02:600', '25%:1800', '100%'], rollout: true })).toEqual({
      kind: 'flags',
      rollout: { waves: [{ hosts: ['web01', 'web02'], soakSeconds: 600 }, { percent: 25, soakSeconds: 1800 }, { percent: 100 }], maxFailures: 0 },
    });
    const r = rolloutFromFlags({ wave: ['web01:600', '25%:1800', '100%'], maxFailures: '1', rollout: true });
    expect(r.kind === 'flags' && describeRollout(r.rollout)).toBe('web01 (soak 600s) → 25% (soak 1800s) → 100%, halts after 2 failures');
  });

  it('without flags asks for the ogygia.toml default; --no-rollout for none', () => {
    expect(rolloutFromFlags({ rollout: true })).toEqual({ kind: 'default' });
    expect(rolloutFromFlags({})).toEqual({ kind: 'default' });
    expect(rolloutFromFlags({ rollout: false })).toEqual({ kind: 'none' });
  });

  it('refuses flags that contradict each other', () => {
    expect(thrownBy(() => rolloutFromFlags({ wave: ['100%'], rollout: false })).message).toBe('--no-rollout publishes without a rollout and --wave asks for one; pass one of them.');
    expect(codeOf(() => rolloutFromFlags({ maxFailures: '1', rollout: false }))).toBe('UsageError');
    expect(thrownBy(() => rolloutFromFlags({ maxFailures: '1' })).message).toMatch(/^--max-failures belongs to the waves of --wave; pass the waves too/);
  });

  it.each(['-1', 'one', '1.5', '', '10001', '99999999999'])('refuses --max-failures %j', (n) => {
    const e = thrownBy(() => rolloutFromFlags({ wave: ['100%'], maxFailures: n }));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe(`--max-failures ${JSON.stringify(n)} is not a whole number from 0 to 10000; pass how many hosts may fail before the rollout halts (0: the first failure halts it).`);
  });

  it.each<[string[], number, RegExp]>([
    [['0%'], 1, /percent must be a whole number from 1 to 100/],
    [['150%:60'], 1, /percent must be a whole number from 1 to 100/],
    [['12.5%'], 1, /percent must be a whole number/],
    [['50%', '25%'], 2, /percent 25 is below an earlier wave's 50/],
    [['web01', 'WEB01,100%'], 2, /host "WEB01" is already in wave 1/],
    [['web_01'], 1, /"web_01" is not a host name/],
    [['10%:8d', '100%'], 1, /soakSeconds must be a whole number from 0 to 604800/],
  ])('refuses the waves %j with an InvalidWaveError naming the flag value', (waves, n, problem) => {
    const e = thrownBy(() => rolloutFromFlags({ wave: waves }));
    expect(e).toBeInstanceOf(InvalidWaveError);
    const w = e as InvalidWaveError;
    expect(w.data.wave).toBe(n);
    expect(w.data.file).toBe(`--wave ${JSON.stringify(waves[n - 1])}`);
    expect(w.message).toMatch(new RegExp(`^--wave ${JSON.stringify(waves[n - 1])!.replace(/[.*+?^${}()|[\]\\%]/g, '\\$&')}: rollout wave ${n}: `));
    expect(w.message).toMatch(problem);
  });

  it('refuses more than 16 waves as a whole-rollout problem', () => {
    const waves = Array.from({ length: 17 }, (_, i) => `${i + 1}%`);
    expect(thrownBy(() => rolloutFromFlags({ wave: waves }))).toBeInstanceOf(InvalidRolloutError);
  });
});

describe('flags ↔ rollout', () => {
  const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,6}[a-z0-9]$/);
  // Valid rollouts of every form a wave can take (hosts, percent, both; with or without soak).
  const rolloutArb: fc.Arbitrary<Rollout> = fc
    .record({
      waves: fc.array(
        fc.record({
          hosts: fc.option(fc.uniqueArray(name, { minLength: 1, maxLength: 3 }), { nil: undefined }),
          percent: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
          soakSeconds: fc.option(fc.integer({ min: 0, max: 604800 }), { nil: undefined }),
        }),
        { minLength: 1, maxLength: 6 },
      ),
      maxFailures: fc.integer({ min: 0, max: 10000 }),
    })
    .map(({ waves, maxFailures }) => {
      const seen = new Set<string>();
      let p = 0;
      const out = waves.map((w, i) => {
        const hosts = (w.hosts ?? []).filter((h) => !seen.has(h) && (seen.add(h), true));
        const percent = w.percent === undefined && hosts.length === 0 ? 100 : w.percent;
        if (percent !== undefined) p = Math.max(p, percent);
        return {
          ...(hosts.length > 0 ? { hosts } : {}),
          ...(percent !== undefined ? { percent: p } : {}),
          ...(w.soakSeconds !== undefined ? { soakSeconds: w.soakSeconds } : {}),
          _i: i,
        };
      });
      return { waves: out.map(({ _i, ...w }) => w), maxFailures };
    });

  it('a rollout written as flags reads back as itself, with the same one-line description', () => {
    fc.assert(
      fc.property(rolloutArb, (rollout) => {
        expect(parseRollout(rollout, 'property')).toEqual(rollout); // the generator makes valid rollouts only
        const flags = rolloutFlags(rollout);
        const wave = flags.filter((_, i) => flags[i - 1] === '--wave');
        const max = flags[flags.indexOf('--max-failures') + 1]!;
        const back = rolloutFromFlags({ wave, maxFailures: max, rollout: true });
        expect(back.kind).toBe('flags');
        if (back.kind !== 'flags') return;
        expect(back.rollout).toEqual(rollout);
        expect(formatRollout(back.rollout)).toEqual(formatRollout(rollout));
        expect(describeRollout(back.rollout)).toBe(describeRollout(rollout));
      }),
    );
  });

  it('a soak with a unit is that many seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10000 }), fc.constantFrom(['s', 1], ['m', 60], ['h', 3600], ['d', 86400]), (n, [unit, mult]) => {
        expect(parseWaveSpec(`web01:${n}${unit}`).soakSeconds).toBe(n * (mult as number));
        expect(formatWaveSpec({ hosts: ['web01'], soakSeconds: n * (mult as number) })).toBe(`web01:${n * (mult as number)}`);
      }),
    );
  });
});

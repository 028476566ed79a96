import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalHost } from './host-identity.js';
import { formatChannelDocument, parseChannelDocument } from './release.js';
import { describeRollout, parseRollout, planWaves, type Rollout, waveOfHost } from './rollout.js';
import { releaseDigest } from './signing.js';
import { codeOf } from '../testkit/error-code.js';
import { testKey } from '../testkit/keys.js';
import { releaseAfter, signed } from '../testkit/release-chain.js';

const canary: Rollout = {
  waves: [{ hosts: ['web01'], soakSeconds: 600 }, { percent: 25, soakSeconds: 1800 }, { percent: 100 }],
  maxFailures: 0,
};
const D1 = 'sha256:' + '1'.repeat(64);
const D2 = 'sha256:' + '2'.repeat(64);

describe('parseRollout', () => {
  it('accepts DESIGN §12 example unchanged', () => {
    expect(parseRollout(JSON.parse(JSON.stringify(canary)), 'x')).toEqual(canary);
  });

  it.each<[string, unknown, string, RegExp]>([
    ['not an object', [], 'InvalidRolloutError', /must be an object/],
    ['no waves', { waves: [], maxFailures: 0 }, 'InvalidRolloutError', /at least one wave/],
    ['no maxFailures', { waves: [{ percent: 100 }] }, 'InvalidRolloutError', /maxFailures/],
    ['negative maxFailures', { waves: [{ percent: 100 }], maxFailures: -1 }, 'InvalidRolloutError', /maxFailures/],
    ['an unknown field', { waves: [{ percent: 100 }], maxFailures: 0, pause: true }, 'InvalidRolloutError', /"pause"/],
    ['17 waves', { waves: Array.from({ length: 17 }, () => ({ percent: 100 })), maxFailures: 0 }, 'InvalidRolloutError', /at most 16/],
    ['an empty wave', { waves: [{ soakSeconds: 5 }], maxFailures: 0 }, 'InvalidWaveError', /wave 1: needs "hosts", "percent"/],
    ['percent 0', { waves: [{ percent: 0 }], maxFailures: 0 }, 'InvalidWaveError', /percent must be/],
    ['percent 101', { waves: [{ percent: 101 }], maxFailures: 0 }, 'InvalidWaveError', /percent must be/],
    ['percent 12.5', { waves: [{ percent: 12.5 }], maxFailures: 0 }, 'InvalidWaveError', /percent must be/],
    ['a falling percent', { waves: [{ percent: 50 }, { percent: 25 }], maxFailures: 0 }, 'InvalidWaveError', /wave 2: percent 25 is below/],
    ['a negative soak', { waves: [{ percent: 10, soakSeconds: -1 }, { percent: 100 }], maxFailures: 0 }, 'InvalidWaveError', /soakSeconds/],
    ['an empty host list', { waves: [{ hosts: [] }], maxFailures: 0 }, 'InvalidWaveError', /non-empty list/],
    ['a bad host name', { waves: [{ hosts: ['web 01'] }], maxFailures: 0 }, 'InvalidWaveError', /"web 01" is not a host name/],
    ['a host in two waves', { waves: [{ hosts: ['web01'] }, { hosts: ['WEB01'] }], maxFailures: 0 }, 'InvalidWaveError', /wave 2: host "WEB01" is already in wave 1/],
    ['an unknown wave field', { waves: [{ percent: 100, canary: true }], maxFailures: 0 }, 'InvalidWaveError', /"canary"/],
  ])('refuses %s', (_what, raw, code, message) => {
    let caught: unknown;
    try {
      parseRollout(raw, 'channels/prod.json');
    } catch (e) {
      caught = e;
    }
    expect(codeOf(() => parseRollout(raw, 'channels/prod.json'))).toBe(code);
    expect(String((caught as Error).message)).toMatch(message);
  });

  it('describes a rollout in one line', () => {
    expect(describeRollout(canary)).toBe('web01 (soak 600s) → 25% (soak 1800s) → 100%, halts after 1 failure');
    expect(describeRollout({ waves: [{ hosts: ['a', 'b'], percent: 10 }, { hosts: ['c'] }], maxFailures: 2 })).toBe('a,b + 10% → c + rest, halts after 3 failures');
  });
});

describe('a release with a rollout', () => {
  const key = testKey('test-only-ops-1');
  it('is signed with it: the rollout round-trips through the channel file and changes the digest', () => {
    const plain = signed(releaseAfter(undefined, 'prod'), key);
    const staged = signed(releaseAfter(undefined, 'prod', { rollout: canary }), key);
    const doc = parseChannelDocument(staged.text, { fileChannel: 'prod' });
    expect(doc.release.rollout).toEqual(canary);
    expect(formatChannelDocument(doc)).toBe(staged.text);
    expect(releaseDigest(doc.release)).toBe(staged.digest);
    expect(staged.digest).not.toBe(plain.digest);
  });

  it('refuses a malformed wave in a channel file with its own code', () => {
    const staged = signed(releaseAfter(undefined, 'prod', { rollout: canary }), key);
    const o = JSON.parse(staged.text);
    o.release.rollout.waves[1].percent = 0;
    expect(codeOf(() => parseChannelDocument(JSON.stringify(o)))).toBe('InvalidWaveError');
  });
});

describe('planWaves', () => {
  const hosts = ['web01', 'web02', 'db01', 'db02', 'app01', 'app02', 'app03', 'app04'];

  it('puts the named canary first, then 25% of 8 = 2 hosts, then the rest', () => {
    const plan = planWaves(canary, D1, hosts);
    expect(plan[0]).toEqual(['web01']);
    expect(plan[1]).toHaveLength(1); // web01 counts toward the 25%
    expect(plan[2]).toHaveLength(6);
    expect(plan.flat().sort()).toEqual([...hosts].sort());
  });

  it('picks a different canary order per release', () => {
    const pct: Rollout = { waves: [{ percent: 25 }, { percent: 100 }], maxFailures: 0 };
    const orders = new Set([D1, D2, 'sha256:' + '3'.repeat(64), 'sha256:' + '4'.repeat(64)].map((d) => planWaves(pct, d, hosts)[0]!.join(',')));
    expect(orders.size).toBeGreaterThan(1);
  });

  it('rounds a share up, so 1% of 3 hosts is one host', () => {
    const plan = planWaves({ waves: [{ percent: 1 }, { percent: 100 }], maxFailures: 0 }, D1, ['a', 'b', 'c']);
    expect(plan.map((w) => w.length)).toEqual([1, 2]);
  });

  it('takes every remaining host in the last wave even below 100%', () => {
    const plan = planWaves({ waves: [{ hosts: ['a'] }, { percent: 10 }], maxFailures: 0 }, D1, ['a', 'b', 'c', 'd']);
    expect(plan).toEqual([['a'], expect.arrayContaining(['b', 'c', 'd'])]);
  });

  it('counts listed hosts that never reported, and compares names by the host identity rule', () => {
    const plan = planWaves({ waves: [{ hosts: ['WEB01', 'new01'] }, { percent: 100 }], maxFailures: 0 }, D1, ['web01', 'web02']);
    expect(plan[0]).toEqual(['web01', 'new01']);
    expect(plan[1]).toEqual(['web02']);
    expect(waveOfHost(plan, 'Web01')).toBe(0);
    expect(waveOfHost(plan, 'web02')).toBe(1);
    expect(waveOfHost(plan, 'later01')).toBe(1); // unknown when planned: the last wave
  });

  const name = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
  const rolloutArb = fc
    .array(fc.record({ hosts: fc.option(fc.uniqueArray(name, { minLength: 1, maxLength: 3 }), { nil: undefined }), percent: fc.integer({ min: 1, max: 100 }) }), { minLength: 1, maxLength: 5 })
    .map((ws): Rollout => {
      const seen = new Set<string>();
      let p = 0;
      const waves = ws.map((w) => {
        p = Math.max(p, w.percent);
        const hosts = (w.hosts ?? []).filter((h) => !seen.has(h) && (seen.add(h), true));
        return hosts.length > 0 ? { hosts, percent: p } : { percent: p };
      });
      return { waves, maxFailures: 0 };
    });
  const digestArb = fc.stringMatching(/^[0-9a-f]{64}$/).map((h) => 'sha256:' + h);

  it('places every host in exactly one wave, listed hosts no later than their wave, each wave at least its share', () => {
    fc.assert(
      fc.property(rolloutArb, digestArb, fc.uniqueArray(name, { maxLength: 40 }), (rollout, digest, known) => {
        parseRollout(rollout, 'property'); // the generator makes valid rollouts only
        const plan = planWaves(rollout, digest, known);
        const all = plan.flat().map(canonicalHost);
        const pool = new Set([...known, ...rollout.waves.flatMap((w) => w.hosts ?? [])].map(canonicalHost));
        expect(new Set(all).size).toBe(all.length);
        expect(new Set(all)).toEqual(pool);
        let cumulative = 0;
        rollout.waves.forEach((w, i) => {
          cumulative += plan[i]!.length;
          for (const h of w.hosts ?? []) expect(waveOfHost(plan, h)).toBeLessThanOrEqual(i);
          expect(cumulative).toBeGreaterThanOrEqual(Math.min(pool.size, Math.ceil(((w.percent ?? 0) * pool.size) / 100)));
        });
        expect(planWaves(rollout, digest, [...known].reverse())).toEqual(plan);
      }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError, InvalidRolloutError, InvalidWaveError } from '../../core/errors/index.js';
import { describeRollout } from '../../core/rollout.js';
import { codeOf, thrownBy } from '../../testkit/error-code.js';
import { testPublicKey } from '../../testkit/keys.js';
import { checkRepoRollouts, parseRepoPolicy, parseRepoRollout } from './policy.js';

const KEY = testPublicKey('test-only-ops-1');

const STAGED = `
[trust]
keys = ["${KEY}"]

[channels.prod]
threshold = 1

[channels.prod.rollout]
max_failures = 1

[[channels.prod.rollout.waves]]
hosts = ["db01"]
soak_seconds = 600

[[channels.prod.rollout.waves]]
percent = 25
soak_seconds = 1800

[[channels.prod.rollout.waves]]
percent = 100

[channels.canary.rollout]
waves = [{ hosts = ["web01", "web02"], percent = 10 }, { percent = 100 }]
`;


describe('ogygia.toml [channels.<name>.rollout]', () => {
  it('reads a channel default into the release form (camelCase, max_failures default 0)', () => {
    expect(parseRepoRollout(STAGED, 'ogygia.toml', 'prod')).toEqual({
      waves: [{ hosts: ['db01'], soakSeconds: 600 }, { percent: 25, soakSeconds: 1800 }, { percent: 100 }],
      maxFailures: 1,
    });
    const canary = parseRepoRollout(STAGED, 'ogygia.toml', 'canary')!;
    expect(describeRollout(canary)).toBe('web01,web02 + 10% → 100%, halts after 1 failure');
    expect(parseRepoRollout(STAGED, 'ogygia.toml', 'staging')).toBeUndefined();
    expect(parseRepoRollout(`[trust]\nkeys = ["${KEY}"]\n`, 'ogygia.toml', 'prod')).toBeUndefined();
    expect(parseRepoRollout(STAGED, 'ogygia.toml', 'constructor')).toBeUndefined();
  });

  it('leaves the trust policy as it was: a channel with only a rollout takes the default keys', () => {
    const policy = parseRepoPolicy(STAGED, 'ogygia.toml');
    expect(policy.channels).toEqual({ prod: { threshold: 1 }, canary: {} });
    expect(policy.default?.threshold).toBe(1);
  });

  it('refuses a wave that breaks a rule with its own code, naming the file and the table', () => {
    const bad = `[[channels.prod.rollout.waves]]\npercent = 50\n[[channels.prod.rollout.waves]]\npercent = 25\n`;
    const e = thrownBy(() => parseRepoRollout(bad, 'ogygia.toml', 'prod'));
    expect(e).toBeInstanceOf(InvalidWaveError);
    expect(e.message).toMatch(/^ogygia\.toml \[channels\.prod\.rollout\]: rollout wave 2: percent 25 is below an earlier wave's 50/);
    expect(codeOf(() => parseRepoRollout(`[channels.prod.rollout]\nwaves = []\n`, 'ogygia.toml', 'prod'))).toBe('InvalidRolloutError');
    expect(thrownBy(() => parseRepoRollout(`[channels.prod.rollout]\nmax_failures = -1\nwaves = [{ percent = 100 }]\n`, 'ogygia.toml', 'prod'))).toBeInstanceOf(
      InvalidRolloutError,
    );
  });

  it('refuses a misspelt or mistyped key as a ConfigError listing path: problem', () => {
    const e = thrownBy(() => parseRepoRollout(`[[channels.prod.rollout.waves]]\npercent = "25"\nsoakSeconds = 60\n`, 'ogygia.toml', 'prod'));
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).data.problems).toEqual([
      'channels.prod.rollout.waves.0.percent: Invalid input: expected number, received string',
      'channels.prod.rollout.waves.0.soakSeconds: unknown key; check its spelling against the documentation',
    ]);
  });

  it('checks every channel default for verify: one error per bad channel', () => {
    expect(checkRepoRollouts(STAGED, 'ogygia.toml at main')).toEqual([]);
    const two = `[[channels.a.rollout.waves]]\npercent = 0\n[[channels.b.rollout.waves]]\npercent = 100\n[[channels.c.rollout.waves]]\nhosts = []\n`;
    const problems = checkRepoRollouts(two, 'ogygia.toml at main');
    expect(problems.map((p) => [p.code, (p as InvalidWaveError).data.file])).toEqual([
      ['InvalidWaveError', 'ogygia.toml at main [channels.a.rollout]'],
      ['InvalidWaveError', 'ogygia.toml at main [channels.c.rollout]'],
    ]);
  });
});

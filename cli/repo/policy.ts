import { z } from 'zod';
import { parseConfigText } from '../../core/config-file.js';
import { publicKeyString, threshold } from '../../core/config-schema.js';
import { ConfigError, OgygiaError } from '../../core/errors/index.js';
import { CHANNEL_NAME } from '../../core/release.js';
import { parseRollout, type Rollout } from '../../core/rollout.js';
import type { PublicKey } from '../../core/keys.js';
import type { TrustConfig } from '../../core/trust.js';

/**
 * `ogygia.toml` at the root of the channels repository: the trust policy
 * `ogygia verify` applies in pull-request CI. Daemons never read it; they use
 * their own pinned keys.
 *
 *   [trust]                 # optional default for every channel
 *   keys = ["ops-1:BASE64"]
 *   threshold = 1
 *   [channels.prod]         # per channel; overrides the default
 *   keys = ["ops-1:BASE64", "ops-2:BASE64"]
 *   threshold = 2
 *   [cache]                 # optional: binary-cache keys whose narinfo signatures
 *   trusted_keys = ["cache.example.com-1:BASE64"]   # closure diffs believe
 *
 * and the staged rollout `ogygia publish` signs into a channel's releases
 * when it is given no `--wave` flags (DESIGN §12; docs/formats.md):
 *
 *   [channels.prod.rollout]
 *   max_failures = 1        # default 0: the first failed host halts the rollout
 *   [[channels.prod.rollout.waves]]
 *   hosts = ["db01"]        # and/or percent = 25; soak_seconds is optional
 *   soak_seconds = 600
 *   [[channels.prod.rollout.waves]]
 *   percent = 100
 */
/** `[[channels.<name>.rollout.waves]]`: types only here; the rules of a wave are parseRollout's (core/rollout.ts). */
const waveTable = z.strictObject({
  hosts: z.array(z.string()).optional(),
  percent: z.number().optional(),
  soak_seconds: z.number().optional(),
});

const rolloutTable = z.strictObject({
  max_failures: z.number().default(0),
  waves: z.array(waveTable),
});

export const repoPolicySchema = z.strictObject({
  trust: z.strictObject({ keys: z.array(publicKeyString).min(1), threshold: threshold.default(1) }).optional(),
  channels: z
    .record(
      z.string().regex(CHANNEL_NAME, 'is not a valid channel name'),
      z.strictObject({ keys: z.array(publicKeyString).min(1).optional(), threshold: threshold.optional(), rollout: rolloutTable.optional() }),
    )
    .default({}),
  cache: z.strictObject({ trusted_keys: z.array(publicKeyString).min(1, 'must list at least one cache key (NAME:BASE64)') }).optional(),
});

function parsePolicyFile(text: string, file: string): z.output<typeof repoPolicySchema> {
  const r = parseConfigText(text, repoPolicySchema, file);
  if (!r.value) {
    throw new ConfigError({ reason: 'invalid', kind: 'trust-policy', file, problems: r.errors });
  }
  return r.value;
}

/** The binary-cache keys of `[cache] trusted_keys` (none when the section is absent). */
export function parseRepoCacheKeys(text: string, file: string): PublicKey[] {
  return parsePolicyFile(text, file).cache?.trusted_keys ?? [];
}

export function parseRepoPolicy(text: string, file: string): TrustConfig {
  const v = parsePolicyFile(text, file);
  // A channel's rollout default is publish's business, not trust.
  const channels = Object.fromEntries(Object.entries(v.channels).map(([name, { rollout: _rollout, ...trust }]) => [name, trust]));
  const cfg: TrustConfig = { channels };
  return v.trust ? { ...cfg, default: { keys: v.trust.keys, threshold: v.trust.threshold } } : cfg;
}

/** Where a channel's rollout default sits, as errors name it. */
export function rolloutDefaultPlace(file: string, channel: string): string {
  return `${file} [channels.${channel}.rollout]`;
}

function rolloutOf(t: z.output<typeof rolloutTable>, place: string): Rollout {
  const waves = t.waves.map((w) => ({
    ...(w.hosts !== undefined ? { hosts: w.hosts } : {}),
    ...(w.percent !== undefined ? { percent: w.percent } : {}),
    ...(w.soak_seconds !== undefined ? { soakSeconds: w.soak_seconds } : {}),
  }));
  return parseRollout({ waves, maxFailures: t.max_failures }, place);
}

/**
 * Pure: the rollout default of `[channels.<channel>.rollout]`, checked by
 * parseRollout (so a bad wave is an InvalidWaveError naming the file and the
 * table, as one in a channel file is); undefined when the channel has none.
 * The TOML's snake_case keys become the release's camelCase ones.
 */
export function parseRepoRollout(text: string, file: string, channel: string): Rollout | undefined {
  const channels = parsePolicyFile(text, file).channels;
  const t = Object.hasOwn(channels, channel) ? channels[channel]?.rollout : undefined;
  return t === undefined ? undefined : rolloutOf(t, rolloutDefaultPlace(file, channel));
}

/** Pure: every channel's rollout default checked (for `ogygia verify`): the error of each bad one. */
export function checkRepoRollouts(text: string, file: string): OgygiaError[] {
  const problems: OgygiaError[] = [];
  for (const [channel, c] of Object.entries(parsePolicyFile(text, file).channels).sort(([a], [b]) => a.localeCompare(b))) {
    if (c.rollout === undefined) continue;
    try {
      rolloutOf(c.rollout, rolloutDefaultPlace(file, channel));
    } catch (e) {
      if (!(e instanceof OgygiaError)) throw e;
      problems.push(e);
    }
  }
  return problems;
}

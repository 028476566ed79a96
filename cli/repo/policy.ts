import { z } from 'zod';
import { parseConfigText } from '../../core/config-file.js';
import { publicKeyString, threshold } from '../../core/config-schema.js';
import { ConfigError } from '../../core/errors/index.js';
import { CHANNEL_NAME } from '../../core/release.js';
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
 */
export const repoPolicySchema = z.strictObject({
  trust: z.strictObject({ keys: z.array(publicKeyString).min(1), threshold: threshold.default(1) }).optional(),
  channels: z
    .record(
      z.string().regex(CHANNEL_NAME, 'is not a valid channel name'),
      z.strictObject({ keys: z.array(publicKeyString).min(1).optional(), threshold: threshold.optional() }),
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
  const cfg: TrustConfig = { channels: v.channels };
  return v.trust ? { ...cfg, default: { keys: v.trust.keys, threshold: v.trust.threshold } } : cfg;
}

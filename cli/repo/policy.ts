import { z } from 'zod';
import { parseConfigText } from '../../core/config-file.js';
import { publicKeyString, threshold } from '../../core/config-schema.js';
import { ConfigError } from '../../core/errors/index.js';
import { CHANNEL_NAME } from '../../core/release.js';
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
 */
export const repoPolicySchema = z.strictObject({
  trust: z.strictObject({ keys: z.array(publicKeyString).min(1), threshold: threshold.default(1) }).optional(),
  channels: z
    .record(
      z.string().regex(CHANNEL_NAME, 'is not a valid channel name'),
      z.strictObject({ keys: z.array(publicKeyString).min(1).optional(), threshold: threshold.optional() }),
    )
    .default({}),
});

export function parseRepoPolicy(text: string, file: string): TrustConfig {
  const r = parseConfigText(text, repoPolicySchema, file);
  if (!r.value) {
    throw new ConfigError({ reason: 'invalid', kind: 'trust-policy', file, problems: r.errors });
  }
  const v = r.value;
  const cfg: TrustConfig = { channels: v.channels };
  return v.trust ? { ...cfg, default: { keys: v.trust.keys, threshold: v.trust.threshold } } : cfg;
}

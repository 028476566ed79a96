import {
  BadSignatureError,
  DuplicateSignatureError,
  NoTrustPolicyError,
  ThresholdNotMetError,
  UnknownKeyError,
  type OgygiaError,
} from './errors/index.js';
import { formatPublicKey, keyId, type PublicKey } from './keys.js';
import type { ChannelDocument } from './release.js';
import { verifySignature } from './signing.js';

/** Which keys may sign a channel and how many distinct ones must. */
export interface TrustPolicy {
  readonly keys: readonly PublicKey[];
  readonly threshold: number;
}

/** A default policy plus per-channel overrides (either half may be left out). */
export interface TrustConfig {
  readonly default?: TrustPolicy;
  readonly channels: Readonly<Record<string, Partial<TrustPolicy>>>;
}

export function policyFor(config: TrustConfig, channel: string): TrustPolicy {
  const own = Object.hasOwn(config.channels, channel) ? config.channels[channel] : undefined;
  const keys = own?.keys ?? config.default?.keys;
  const threshold = own?.threshold ?? config.default?.threshold ?? (keys ? 1 : undefined);
  if (!keys || keys.length === 0 || threshold === undefined) {
    throw new NoTrustPolicyError({ channel });
  }
  return { keys, threshold };
}

/** The outcome of checking every signature of a document against a policy. */
export interface SignatureCheck {
  /** Distinct public keys whose signature verified. */
  readonly verified: readonly PublicKey[];
  /** Signatures that did not count, each as its own error (unknown key, bad signature, same key twice). */
  readonly problems: readonly OgygiaError[];
}

/** Pure: which distinct trusted keys signed this release. Counting is by public key, never by name or entry. */
export function checkSignatures(doc: ChannelDocument, policy: TrustPolicy): SignatureCheck {
  const verified = new Map<string, PublicKey>();
  const problems: OgygiaError[] = [];
  for (const sig of doc.signatures) {
    const candidates = policy.keys.filter((k) => k.name === sig.key);
    if (candidates.length === 0) {
      problems.push(
        new UnknownKeyError({ key: sig.key, channel: doc.release.channel }),
      );
      continue;
    }
    const good = candidates.find((k) => verifySignature(doc.release, sig, k));
    if (!good) {
      problems.push(
        new BadSignatureError({ key: sig.key, channel: doc.release.channel }),
      );
      continue;
    }
    const id = keyId(good);
    if (verified.has(id)) {
      problems.push(
        new DuplicateSignatureError({
          when: 'signed',
          channel: doc.release.channel,
          revision: doc.release.revision,
          key: sig.key,
          existing: verified.get(id)!.name,
          publicKey: formatPublicKey(good),
        }),
      );
      continue;
    }
    verified.set(id, good);
  }
  return { verified: [...verified.values()], problems };
}

/** The refusal for a release that too few distinct trusted keys signed (`check` is its signature check). */
export function thresholdNotMet(doc: ChannelDocument, policy: TrustPolicy, check: SignatureCheck): ThresholdNotMetError {
  const r = doc.release;
  return new ThresholdNotMetError({
    channel: r.channel,
    revision: r.revision,
    valid: check.verified.map((k) => k.name),
    threshold: policy.threshold,
    problems: check.problems.map((p) => p.toJSON()),
  });
}

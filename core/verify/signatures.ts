import { BadSignatureError, DuplicateSignatureError, UnknownKeyError, type OgygiaError } from '../errors/index.js';
import type { ChannelDocument } from '../release.js';
import { checkSignatures, thresholdNotMet, type TrustPolicy } from '../trust.js';

/** The signature step's verdict: who counted, what refuses the release, what is merely wrong. */
export interface SignatureVerdict {
  /** Names of the distinct trusted keys whose signatures verified. */
  readonly signers: readonly string[];
  /**
   * Refusals, when fewer distinct trusted keys signed than the threshold:
   * each signature that did not count (most serious first), then
   * ThresholdNotMetError. Empty when the threshold is met.
   */
  readonly problems: readonly OgygiaError[];
  /** Signatures that did not count although the threshold was met: not a refusal. */
  readonly notes: readonly OgygiaError[];
}

/**
 * Most serious first: a signature under a trusted name that does not verify
 * (the release was changed after signing, or forged), then a key the policy
 * does not hold, then one key counted twice. Within a kind, document order.
 */
function seriousness(e: OgygiaError): number {
  if (e instanceof BadSignatureError) return 0;
  if (e instanceof UnknownKeyError) return 1;
  if (e instanceof DuplicateSignatureError) return 2;
  return 3;
}

/**
 * Pure: judge a document's signatures against a policy. Refused when fewer
 * than `threshold` distinct trusted public keys signed; then the first
 * problem is the most serious signature that did not count (so a release
 * signed only by an untrusted key is refused with UnknownKeyError, a tampered
 * one with BadSignatureError), and ThresholdNotMetError comes last, alone
 * when every signature was good but too few.
 */
export function judgeSignatures(doc: ChannelDocument, policy: TrustPolicy): SignatureVerdict {
  const check = checkSignatures(doc, policy);
  const ranked = check.problems.map((e, i) => ({ e, i })).sort((a, b) => seriousness(a.e) - seriousness(b.e) || a.i - b.i).map(({ e }) => e);
  const signers = check.verified.map((k) => k.name);
  if (check.verified.length >= policy.threshold) return { signers, problems: [], notes: ranked };
  return { signers, problems: [...ranked, thresholdNotMet(doc, policy, check)], notes: [] };
}

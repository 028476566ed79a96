import { HostNotTargetedError, NotDescendantError, ThresholdNotMetError, WrongChannelError } from '../core/errors/index.js';
import { parseChannelDocument, targetFor, type ChannelDocument, type Release } from '../core/release.js';
import { releaseDigest } from '../core/signing.js';
import { assertNotExpired, classifyTransition, type AcceptedHead, type TransitionKind } from '../core/transition.js';
import { checkSignatures, type TrustPolicy } from '../core/trust.js';
import type { ChannelHead } from './sources/types.js';

/** What verification needs besides the head: this host's binding and its replay floor. */
export interface VerifyContext {
  readonly channel: string;
  readonly host: string;
  readonly policy: TrustPolicy;
  readonly now: Date;
  /** The last release this host accepted (its replay floor), if any. */
  readonly floor?: AcceptedHead;
  /**
   * Git sources only: whether the head's commit descends from `floor.commit`,
   * computed by the caller (I/O) and checked here last, in DESIGN.md §5 order.
   * Undefined when the source cannot tell (reconciler API) or there is no floor commit.
   */
  readonly descendsFromFloor?: boolean;
}

/** A release that passed every check: the `Release` stage of the pipeline. */
export interface VerifiedRelease {
  readonly doc: ChannelDocument;
  readonly release: Release;
  readonly digest: string;
  readonly commit: string;
  readonly storePath: string;
  readonly transition: TransitionKind;
}

/**
 * Pure: verify a channel head in exactly the order of DESIGN.md §5. Throws the
 * first refusal as its own OgygiaError (stable `code`); nothing else is done.
 */
export function verifyHead(head: ChannelHead, ctx: VerifyContext): VerifiedRelease {
  // 1–2. size cap, then parse (parseChannelDocument checks the cap before reading a byte of JSON).
  const doc = parseChannelDocument(head.bytes, { file: `channels/${ctx.channel}.json at ${head.commit.slice(0, 12)}` });
  const r = doc.release;
  // 3. channel binding.
  if (r.channel !== ctx.channel) {
    throw new WrongChannelError(
      `The head served for channel ${ctx.channel} is a release of channel ${r.channel}; point source at the right channel or fix the channel file.`,
      { expected: ctx.channel, actual: r.channel, revision: r.revision },
    );
  }
  // 4. host targeting.
  const storePath = targetFor(r, ctx.host);
  if (storePath === undefined) {
    throw new HostNotTargetedError(
      `${r.channel}#${r.revision} has no target for host ${ctx.host} and no "*" target; add one to the release or check host in the agent config.`,
      { channel: r.channel, revision: r.revision, host: ctx.host, targets: Object.keys(r.targets) },
    );
  }
  // 5. threshold of distinct pinned keys.
  const check = checkSignatures(doc, ctx.policy);
  if (check.verified.length < ctx.policy.threshold) {
    // The first signature that did not count says most precisely why (UnknownKeyError, BadSignatureError, ...).
    const first = check.problems[0];
    if (first) throw first;
    throw new ThresholdNotMetError(
      `${r.channel}#${r.revision} has ${check.verified.length} valid signature(s) from distinct pinned keys and this host needs ${ctx.policy.threshold}; approve it with another trusted key.`,
      { channel: r.channel, revision: r.revision, valid: check.verified.map((k) => k.name), threshold: ctx.policy.threshold },
    );
  }
  // 6. expiry.
  assertNotExpired(r, ctx.now);
  // 7–8. replay (revision increases; equal only with the same digest) and `previous` chain for the next revision.
  const digest = releaseDigest(r);
  const transition = classifyTransition(ctx.floor, r, digest, { allowSkip: true });
  // 9. git source: the new commit descends from the last accepted one.
  if (ctx.floor?.commit !== undefined && ctx.descendsFromFloor === false) {
    throw new NotDescendantError(
      `Commit ${head.commit} of ${r.channel}#${r.revision} does not descend from ${ctx.floor.commit}, the commit of revision ${ctx.floor.revision} already applied; the branch was rewound or force-pushed, publish a new release on top of it.`,
      { channel: r.channel, revision: r.revision, commit: head.commit, floorCommit: ctx.floor.commit },
    );
  }
  return { doc, release: r, digest, commit: head.commit, storePath, transition };
}

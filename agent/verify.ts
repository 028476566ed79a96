import { InternalError } from '../core/errors/index.js';
import type { ChannelDocument, Release } from '../core/release.js';
import type { AcceptedHead, TransitionKind } from '../core/transition.js';
import type { TrustPolicy } from '../core/trust.js';
import { acceptedOrThrow, verifyRelease } from '../core/verify/pipeline.js';
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
   * computed by the caller (I/O) and checked last, in DESIGN.md §5 order.
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
 * Pure: verify a channel head with the one verifier (core/verify, DESIGN.md §5
 * order) bound to this host, channel and replay floor. Throws the refusal (the
 * first problem) as its OgygiaError; nothing else is done.
 */
export function verifyHead(head: ChannelHead, ctx: VerifyContext): VerifiedRelease {
  const v = acceptedOrThrow(
    verifyRelease({
      bytes: head.bytes,
      ...(head.size !== undefined ? { size: head.size } : {}),
      file: `channels/${ctx.channel}.json at ${head.commit.slice(0, 12)}`,
      channel: ctx.channel,
      host: ctx.host,
      trust: ctx.policy,
      now: ctx.now,
      // The agent may miss releases: a skip is taken only when the releases in between (from the source) link it back.
      transition: ctx.floor ? { floor: ctx.floor, intermediates: head.chain ?? [] } : {},
      commit: head.commit,
      ...(ctx.descendsFromFloor !== undefined ? { descendsFromFloor: ctx.descendsFromFloor } : {}),
    }),
  );
  // A host was given, so an accepted release has its store path and a transition (HostNotTargetedError otherwise).
  if (v.storePath === undefined || v.transition === undefined) {
    throw new InternalError({ where: 'agent/verify', cause: 'an accepted release has no store path or transition' });
  }
  return { doc: v.document, release: v.release, digest: v.digest, commit: head.commit, storePath: v.storePath, transition: v.transition };
}

import { BrokenChainError, ExpiredReleaseError, NotYetValidError, ReplayError, RevisionGapError } from './errors/index.js';
import type { Release } from './release.js';

/** What a party last accepted for a channel: the commit-linked revision. */
export interface AcceptedHead {
  readonly revision: number;
  readonly digest: string;
  readonly commit?: string;
}

/**
 * How a new release relates to the last accepted one:
 * - `first`: nothing was accepted before;
 * - `same`: the same release (an added approval signature is not a new release);
 * - `next`: revision + 1 and `previous` chains to the accepted digest;
 * - `skip`: a later revision whose chain cannot be checked from here (allowed only with `allowSkip`).
 */
export type TransitionKind = 'first' | 'same' | 'next' | 'skip';

export function classifyTransition(
  accepted: AcceptedHead | undefined,
  release: Release,
  digest: string,
  opts: { allowSkip: boolean; requireFirstRevision?: boolean },
): TransitionKind {
  if (!accepted) {
    if (opts.requireFirstRevision && release.revision !== 1) {
      throw new RevisionGapError({ gap: 'first', channel: release.channel, revision: release.revision });
    }
    return 'first';
  }
  if (release.revision < accepted.revision) {
    throw new ReplayError({ channel: release.channel, revision: release.revision, digest, accepted: accepted.revision, acceptedDigest: accepted.digest });
  }
  if (release.revision === accepted.revision) {
    if (digest === accepted.digest) return 'same';
    throw new ReplayError({ channel: release.channel, revision: release.revision, digest, accepted: accepted.revision, acceptedDigest: accepted.digest });
  }
  if (release.revision === accepted.revision + 1) {
    if (release.previous !== accepted.digest) {
      throw new BrokenChainError({ channel: release.channel, revision: release.revision, previous: release.previous, expectedRevision: accepted.revision, expected: accepted.digest });
    }
    return 'next';
  }
  if (!opts.allowSkip) {
    throw new RevisionGapError({ gap: 'jump', channel: release.channel, revision: release.revision, accepted: accepted.revision });
  }
  return 'skip';
}

export function assertNotExpired(release: Release, now: Date): void {
  if (release.expiresAt !== undefined && Date.parse(release.expiresAt) <= now.getTime()) {
    throw new ExpiredReleaseError({ channel: release.channel, revision: release.revision, expiresAt: release.expiresAt });
  }
}

/** How far ahead of the verifier's clock a release's issuedAt may be (clocks drift; a release from 2099 is not drift). */
export const MAX_CLOCK_SKEW_MS = 60 * 60 * 1000;

export function assertIssued(release: Release, now: Date): void {
  const issued = Date.parse(release.issuedAt);
  if (issued > now.getTime() + MAX_CLOCK_SKEW_MS) {
    throw new NotYetValidError({ channel: release.channel, revision: release.revision, issuedAt: release.issuedAt, now: now.toISOString() });
  }
}

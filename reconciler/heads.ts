import {
  BrokenChainError,
  ChannelDeletedError,
  InvalidChannelNameError,
  NotDescendantError,
  RevisionGapError,
  isOgygiaError,
} from '../core/errors/index.js';
import { CHANNEL_NAME, parseChannelDocument, type Release } from '../core/release.js';
import { releaseDigest } from '../core/signing.js';
import { classifyTransition, assertNotExpired } from '../core/transition.js';
import { assertThreshold, policyFor, type TrustConfig } from '../core/trust.js';

/**
 * Head selection, pure: the state the reconciler last served plus a new
 * branch snapshot gives the new served state and the refusals. Git I/O
 * (fetching, reading trees, walking history) happens before, in mirror/.
 */

/** A channel head the reconciler serves: the channel file exactly as committed. */
export interface ServedHead {
  readonly channel: string;
  readonly text: string;
  readonly revision: number;
  readonly digest: string;
  /** The commit that introduced this version of the file. */
  readonly commit: string;
  readonly committedAt: string;
  readonly blob: string;
  readonly servedAt: string;
}

/** Why a channel's (or the whole branch's) new head is not served. */
export interface Refusal {
  readonly code: string;
  readonly message: string;
  /** The branch commit that was refused. */
  readonly commit: string;
  readonly at: string;
  readonly revision?: number;
  readonly digest?: string;
}

export interface ServedState {
  /** The last branch head accepted as a whole (every later head must descend from it). */
  readonly branchCommit?: string;
  readonly heads: Readonly<Record<string, ServedHead>>;
  readonly refusals: Readonly<Record<string, Refusal>>;
  /** Set when the latest branch head was refused as a whole (force-push, rewind). */
  readonly branchRefusal?: Refusal;
}

export const EMPTY_STATE: ServedState = { heads: {}, refusals: {} };

/** A channel file at the new branch head, with what history says about it. */
export interface CandidateFile {
  readonly blob: string;
  readonly bytes: Uint8Array;
  /** The commit that introduced this version (newest commit whose file differs from its first parent's). */
  readonly commit: string;
  readonly committedAt: string;
  /** Other versions of this file between the served branch commit and the head, any order (for revision skips). */
  readonly intermediates: readonly Uint8Array[];
}

export interface BranchSnapshot {
  readonly commit: string;
  /** Whether `commit` is the served branch commit or descends from it (true when nothing was served yet). */
  readonly descendsFromServed: boolean;
  readonly files: ReadonlyMap<string, CandidateFile>;
}

export interface Selection {
  readonly state: ServedState;
  /** Channels whose served head changed (long-polls on them are released). */
  readonly changed: readonly string[];
  /** Refusals made by this selection, per channel ('*' for the whole branch). */
  readonly refused: ReadonlyArray<{ readonly channel: string; readonly refusal: Refusal }>;
}

function refusalOf(e: unknown, commit: string, now: Date, extra: { revision?: number; digest?: string } = {}): Refusal {
  const base = isOgygiaError(e)
    ? { code: e.code, message: e.message }
    : { code: 'InternalError', message: `Unexpected error: ${(e as Error)?.message ?? String(e)}; this is a bug, please report it.` };
  return { ...base, commit, at: now.toISOString(), ...extra };
}

/** Follow `previous` links from `release` back to the served head through the intermediate versions. */
function assertChainReaches(release: Release, served: ServedHead, intermediates: readonly Uint8Array[], channel: string): void {
  const byDigest = new Map<string, Release>();
  for (const bytes of intermediates) {
    try {
      const doc = parseChannelDocument(bytes, { fileChannel: channel });
      byDigest.set(releaseDigest(doc.release), doc.release);
    } catch {
      // A malformed intermediate version cannot be a link of the chain; skip it.
    }
  }
  let cur = release;
  while (cur.revision > served.revision + 1) {
    const prev = cur.previous === null ? undefined : byDigest.get(cur.previous);
    if (!prev || prev.revision !== cur.revision - 1) {
      throw new RevisionGapError(
        `${channel}#${release.revision} jumps from served revision ${served.revision} and revision ${cur.revision - 1} ` +
          `(${cur.previous}) is not in the branch history since; publish each revision on the tracked branch in order.`,
        { channel, revision: release.revision, served: served.revision, missing: cur.revision - 1 },
      );
    }
    cur = prev;
  }
  if (cur.previous !== served.digest) {
    throw new BrokenChainError(
      `${channel}#${cur.revision} names previous ${cur.previous} but the served revision ${served.revision} has digest ${served.digest}; publish again on top of the served release.`,
      { channel, revision: cur.revision, previous: cur.previous, expected: served.digest },
    );
  }
}

/** Verify one candidate file against trust, expiry and the transition from the served head. */
function evaluate(
  channel: string,
  file: CandidateFile,
  served: ServedHead | undefined,
  trust: TrustConfig,
  now: Date,
): ServedHead {
  if (!CHANNEL_NAME.test(channel)) {
    throw new InvalidChannelNameError(
      `channels/${channel}.json is not named after a valid channel; rename it to lowercase letters, digits and ._- .`,
      { channel },
    );
  }
  const doc = parseChannelDocument(file.bytes, { file: `channels/${channel}.json`, fileChannel: channel });
  assertThreshold(doc, policyFor(trust, channel));
  assertNotExpired(doc.release, now);
  const digest = releaseDigest(doc.release);
  const kind = classifyTransition(served, doc.release, digest, { allowSkip: true });
  if (kind === 'skip' && served) assertChainReaches(doc.release, served, file.intermediates, channel);
  return {
    channel,
    text: Buffer.from(file.bytes).toString('utf8'),
    revision: doc.release.revision,
    digest,
    commit: file.commit,
    committedAt: file.committedAt,
    blob: file.blob,
    servedAt: kind === 'same' && served ? served.servedAt : now.toISOString(),
  };
}

export function selectHeads(prev: ServedState, snap: BranchSnapshot, trust: TrustConfig, now: Date): Selection {
  if (prev.branchCommit === snap.commit) return { state: prev, changed: [], refused: [] };
  if (prev.branchCommit !== undefined && !snap.descendsFromServed) {
    const refusal = refusalOf(
      new NotDescendantError(
        `Branch head ${snap.commit} does not descend from the served commit ${prev.branchCommit} (force-push or rewind); ` +
          `push a commit on top of ${prev.branchCommit.slice(0, 12)} instead of rewriting history.`,
        { commit: snap.commit, served: prev.branchCommit },
      ),
      snap.commit,
      now,
    );
    const refusals: Record<string, Refusal> = { ...prev.refusals };
    for (const channel of Object.keys(prev.heads)) refusals[channel] = refusal;
    return {
      state: { ...prev, refusals, branchRefusal: refusal },
      changed: [],
      refused: [{ channel: '*', refusal }],
    };
  }

  const heads: Record<string, ServedHead> = { ...prev.heads };
  const refusals: Record<string, Refusal> = {};
  const changed: string[] = [];
  const refused: Array<{ channel: string; refusal: Refusal }> = [];

  for (const [channel, file] of [...snap.files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const served = Object.hasOwn(prev.heads, channel) ? prev.heads[channel] : undefined;
    if (served && served.blob === file.blob) continue;
    try {
      const head = evaluate(channel, file, served, trust, now);
      heads[channel] = head;
      if (!served || served.digest !== head.digest || served.text !== head.text) changed.push(channel);
    } catch (e) {
      let extra: { revision?: number; digest?: string } = {};
      try {
        const doc = parseChannelDocument(file.bytes);
        extra = { revision: doc.release.revision, digest: releaseDigest(doc.release) };
      } catch {
        // unparseable: the refusal itself says why
      }
      const refusal = refusalOf(e, snap.commit, now, extra);
      refusals[channel] = refusal;
      refused.push({ channel, refusal });
    }
  }
  for (const channel of Object.keys(prev.heads)) {
    if (!snap.files.has(channel)) {
      const refusal = refusalOf(
        new ChannelDeletedError(
          `channels/${channel}.json was deleted at ${snap.commit.slice(0, 12)}; the last release keeps being served, restore the file to publish again.`,
          { channel, commit: snap.commit },
        ),
        snap.commit,
        now,
      );
      refusals[channel] = refusal;
      refused.push({ channel, refusal });
    }
  }
  return { state: { branchCommit: snap.commit, heads, refusals }, changed, refused };
}

import { ChannelDeletedError, InternalError, NotDescendantError } from '../core/errors/index.js';
import type { TrustConfig } from '../core/trust.js';
import { acceptedOrThrow, verifyRelease } from '../core/verify/pipeline.js';

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
  /** The content; empty when the blob is over the cap and was never inflated (then `size` says how big it is). */
  readonly bytes: Uint8Array;
  readonly size?: number;
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
  const err = InternalError.wrap(e, `head selection at ${commit.slice(0, 12)}`);
  return { code: err.code, message: err.message, commit, at: now.toISOString(), ...extra };
}

/**
 * Verify one candidate file with the one verifier (core/verify) against trust,
 * expiry and the transition from the served head (a skip must chain through
 * the versions in between). The head to serve, or the refusal (the first
 * problem) with the revision and digest when the file parsed.
 */
function evaluate(
  channel: string,
  file: CandidateFile,
  served: ServedHead | undefined,
  trust: TrustConfig,
  now: Date,
): { readonly head: ServedHead } | { readonly refusal: unknown; readonly revision?: number; readonly digest?: string } {
  const v = verifyRelease({
    bytes: file.bytes,
    ...(file.size !== undefined ? { size: file.size } : {}),
    file: `channels/${channel}.json`,
    channel,
    trust,
    now,
    transition: { ...(served ? { floor: served } : {}), intermediates: file.intermediates },
  });
  const refusal = v.problems[0]; // the first problem is the refusal
  if (refusal) return { refusal, ...(v.release ? { revision: v.release.revision } : {}), ...(v.digest ? { digest: v.digest } : {}) };
  const accepted = acceptedOrThrow(v);
  return {
    head: {
      channel,
      text: Buffer.from(file.bytes).toString('utf8'),
      revision: accepted.release.revision,
      digest: accepted.digest,
      commit: file.commit,
      committedAt: file.committedAt,
      blob: file.blob,
      servedAt: accepted.transition === 'same' && served ? served.servedAt : now.toISOString(),
    },
  };
}

export function selectHeads(prev: ServedState, snap: BranchSnapshot, trust: TrustConfig, now: Date): Selection {
  if (prev.branchCommit === snap.commit) return { state: prev, changed: [], refused: [] };
  if (prev.branchCommit !== undefined && !snap.descendsFromServed) {
    const refusal = refusalOf(
      new NotDescendantError({ against: 'served', commit: snap.commit, served: prev.branchCommit }),
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
    let outcome: ReturnType<typeof evaluate>;
    try {
      outcome = evaluate(channel, file, served, trust, now);
    } catch (e) {
      outcome = { refusal: e }; // a bug in verification: refusalOf reports it as one
    }
    if ('head' in outcome) {
      const head = outcome.head;
      heads[channel] = head;
      if (!served || served.digest !== head.digest || served.text !== head.text) changed.push(channel);
    } else {
      const { refusal: problem, ...extra } = outcome;
      const refusal = refusalOf(problem, snap.commit, now, extra);
      refusals[channel] = refusal;
      refused.push({ channel, refusal });
    }
  }
  for (const channel of Object.keys(prev.heads)) {
    if (!snap.files.has(channel)) {
      const refusal = refusalOf(
        new ChannelDeletedError({ where: 'branch', channel, commit: snap.commit }),
        snap.commit,
        now,
      );
      refusals[channel] = refusal;
      refused.push({ channel, refusal });
    }
  }
  return { state: { branchCommit: snap.commit, heads, refusals }, changed, refused };
}

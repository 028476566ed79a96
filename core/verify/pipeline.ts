import { AmbiguousHostError, HostNotTargetedError, InvalidChannelNameError, NotDescendantError, OgygiaError, WrongChannelError } from '../errors/index.js';
import { CHANNEL_NAME, parseChannelDocument, targetFor, type ChannelDocument, type Release } from '../release.js';
import { releaseDigest } from '../signing.js';
import { assertIssued, assertNotExpired, classifyTransition, type AcceptedHead, type TransitionKind } from '../transition.js';
import { matchTarget } from '../host-identity.js';
import { policyFor, type TrustConfig, type TrustPolicy } from '../trust.js';
import { chainProblem } from './chain.js';
import { judgeSignatures } from './signatures.js';

/**
 * The one release verifier. The agent (agent/verify.ts), the reconciler
 * (reconciler/heads.ts) and `ogygia verify` (cli/repo/check.ts) all call
 * `verifyRelease`; none sequences checks of its own. Pure: bytes and context
 * in, a Verification out, nothing thrown for a bad release.
 */

/** How a new release must relate to what was accepted before. */
export interface TransitionRules {
  /** The last release accepted (an agent's replay floor, the reconciler's served head, the base of a pull request); absent: nothing yet. */
  readonly floor?: AcceptedHead;
  /** Other versions of the file since the floor, any order: a skip must chain through them (ChainBrokenError otherwise; none given = none there). */
  readonly intermediates?: readonly (Uint8Array | string)[];
  /** false: only the same release or revision floor + 1 passes (RevisionGapError otherwise). Default true. */
  readonly allowSkip?: boolean;
  /** With no floor, the release must be revision 1 (a new channel in a pull request). */
  readonly requireFirstRevision?: boolean;
}

export interface VerifyRequest {
  /** The channel file as fetched or committed: nothing has read it yet. */
  readonly bytes: Uint8Array | string;
  /** The file's size, when it is over the cap and its bytes were never read (core/channels-repo.ts): refused as OversizeError. */
  readonly size?: number;
  /** Where the bytes come from, for messages (`channels/prod.json at 1a2b3c4d5e6f`). */
  readonly file: string;
  /** The channel the bytes must hold a release of: the agent's channel, the file's name. Absent: any. */
  readonly channel?: string;
  /** The host that must be targeted (the agent's name, or `"*"` matches); absent for the reconciler and `ogygia verify`. */
  readonly host?: string;
  /** The pinned keys and threshold, or a trust configuration to find the channel's policy in. */
  readonly trust: TrustPolicy | TrustConfig;
  readonly now: Date;
  /** Replay and chain rules; absent: not checked (`ogygia verify` without --base). */
  readonly transition?: TransitionRules;
  /** Git sources: whether `commit` descends from `transition.floor.commit`, found by the caller. Absent: unknown. */
  readonly descendsFromFloor?: boolean;
  /** The commit the bytes were read at (for NotDescendantError). */
  readonly commit?: string;
}

/** What verification found. The first problem is THE refusal; no problems means accepted. */
export interface Verification {
  /** The parsed document, once the bytes passed the size cap, strict JSON and the schema. */
  readonly document?: ChannelDocument;
  readonly release?: Release;
  readonly digest?: string;
  /** The store path for `host`, when a host was given and is targeted. */
  readonly storePath?: string;
  /** How the release relates to the floor, when transition rules were given and it passed them. */
  readonly transition?: TransitionKind;
  /** Names of the distinct trusted keys whose signatures verified. */
  readonly signers: readonly string[];
  /** Refusals in DESIGN.md §5 order; the first one's code is the refusal everywhere. */
  readonly problems: readonly OgygiaError[];
  /** Signatures that did not count although the threshold was met: not refusals (`ogygia verify` lists them too). */
  readonly notes: readonly OgygiaError[];
}

/** A Verification without problems. */
export interface AcceptedRelease extends Verification {
  readonly document: ChannelDocument;
  readonly release: Release;
  readonly digest: string;
}

function isPolicy(trust: TrustPolicy | TrustConfig): trust is TrustPolicy {
  return !('channels' in trust);
}

/** Run `f`; a thrown OgygiaError becomes the next problem. */
function step<T>(problems: OgygiaError[], f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof OgygiaError)) throw e;
    problems.push(e);
    return undefined;
  }
}

/**
 * Verify a channel file in DESIGN.md §5 order: size cap → parse (strict JSON)
 * → schema → channel equals `channel` → `host` is targeted → signatures meet
 * the threshold → not expired → transition from the floor (replay; `previous`
 * chains for the next revision; a skip chains through `intermediates`) → git
 * sources: the commit descends from the floor's commit.
 * (Time: not expired, and issued at most an hour ahead of `now`.)
 *
 * The size cap, parse and schema stop verification (there is no release to
 * check further); every later step runs regardless, so `ogygia verify` can
 * list everything that is wrong, in that order.
 */
export function verifyRelease(req: VerifyRequest): Verification {
  const problems: OgygiaError[] = [];
  const expectedValid = req.channel === undefined || CHANNEL_NAME.test(req.channel);
  if (!expectedValid) {
    problems.push(
      new InvalidChannelNameError({ channel: req.channel!, file: req.file, in: 'file-name' }),
    );
  }
  // Size cap → strict JSON → schema: parseChannelDocument checks the cap before reading a byte of JSON.
  const document = step(problems, () => parseChannelDocument(req.bytes, { file: req.file, ...(req.size !== undefined ? { size: req.size } : {}) }));
  if (!document) return { signers: [], problems, notes: [] };
  const release = document.release;
  const digest = releaseDigest(release);

  // Channel binding.
  if (req.channel !== undefined && expectedValid && release.channel !== req.channel) {
    problems.push(
      new WrongChannelError({ file: req.file, expected: req.channel, actual: release.channel, revision: release.revision }),
    );
  }

  // Host targeting, under the one host identity rule (DESIGN.md §10).
  let storePath: string | undefined;
  if (req.host !== undefined) {
    const match = matchTarget(Object.keys(release.targets), req.host);
    if (match.kind === 'look-alike') {
      problems.push(
        new AmbiguousHostError({ channel: release.channel, revision: release.revision, host: req.host, targets: match.keys }),
      );
    } else {
      storePath = targetFor(release, req.host);
      if (storePath === undefined) {
        problems.push(
          new HostNotTargetedError({ channel: release.channel, revision: release.revision, host: req.host, targets: Object.keys(release.targets) }),
        );
      }
    }
  }

  // Signatures: a threshold of distinct trusted public keys.
  const trust = req.trust;
  const policy = isPolicy(trust) ? trust : step(problems, () => policyFor(trust, req.channel ?? release.channel));
  const verdict = policy ? judgeSignatures(document, policy) : { signers: [], problems: [], notes: [] };
  problems.push(...verdict.problems);

  // Expiry, and an issue time no more than MAX_CLOCK_SKEW_MS ahead of this clock.
  step(problems, () => assertNotExpired(release, req.now));
  step(problems, () => assertIssued(release, req.now));

  // Transition from the floor: replay, `previous` for the next revision, the chain for a skip.
  let transition: TransitionKind | undefined;
  const rules = req.transition;
  if (rules) {
    transition = step(problems, () =>
      classifyTransition(rules.floor, release, digest, {
        allowSkip: rules.allowSkip ?? true,
        ...(rules.requireFirstRevision !== undefined ? { requireFirstRevision: rules.requireFirstRevision } : {}),
      }),
    );
    if (transition === 'skip' && rules.floor) {
      const broken = chainProblem(release, rules.floor, rules.intermediates ?? [], req.channel ?? release.channel);
      if (broken) {
        problems.push(broken);
        transition = undefined;
      }
    }
  }

  // Git sources: the commit descends from the floor's commit.
  const floor = rules?.floor;
  if (floor?.commit !== undefined && req.descendsFromFloor === false) {
    const commit = req.commit ?? '(unknown commit)';
    problems.push(
      new NotDescendantError({ against: 'applied', channel: release.channel, revision: release.revision, commit, floorCommit: floor.commit, floorRevision: floor.revision }),
    );
  }

  return {
    document,
    release,
    digest,
    ...(storePath !== undefined ? { storePath } : {}),
    ...(transition !== undefined ? { transition } : {}),
    signers: verdict.signers,
    problems,
    notes: verdict.notes,
  };
}

/** The accepted release, or throws its refusal (the first problem). */
export function acceptedOrThrow(v: Verification): AcceptedRelease {
  const refusal = v.problems[0];
  if (refusal) throw refusal;
  if (!v.document || !v.release || !v.digest) {
    throw new TypeError('core/verify: a verification without problems has no release; this is a bug, please report it.');
  }
  return { ...v, document: v.document, release: v.release, digest: v.digest };
}

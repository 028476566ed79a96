import { ChannelDeletedError, NotDescendantError, OgygiaError } from '../../core/errors/index.js';
import { type ChannelImpact, computeImpact } from '../../core/closure-diff/transitions.js';
import { type ChannelDocument, parseChannelDocument, type Release } from '../../core/release.js';
import { releaseDigest } from '../../core/signing.js';
import type { TrustConfig } from '../../core/trust.js';
import { verifyRelease } from '../../core/verify/pipeline.js';

/** The input of a repository check: channel file bytes at HEAD (and at the base of a pull request). */
export interface ChannelsAt {
  readonly commit: string;
  readonly files: ReadonlyMap<string, Uint8Array>; // channel name (file name) -> bytes
  /** Files over the cap, never inflated: their sizes (their bytes in `files` are empty). */
  readonly sizes?: ReadonlyMap<string, number>;
}

export interface ChannelCheck {
  readonly channel: string;
  readonly file: string;
  /** The release, when the file parsed (callers check its closure without parsing again). */
  readonly release?: Release;
  readonly revision?: number;
  readonly digest?: string;
  readonly signers: readonly string[];
  readonly problems: readonly OgygiaError[];
}

export interface RepoCheck {
  readonly ok: boolean;
  readonly head: string;
  readonly base?: string;
  readonly channels: readonly ChannelCheck[];
  readonly impact: readonly ChannelImpact[];
  /** The releases at the base that parsed (what each changed channel moves from). */
  readonly baseReleases: readonly Release[];
  /** Problems that belong to no single channel file (deleted channels, a rewound branch). */
  readonly problems: readonly OgygiaError[];
}

/**
 * Pure: everything `ogygia verify` checks. Each channel file at HEAD goes
 * through the one verifier (core/verify/pipeline.ts) bound to the file's
 * channel, so its first problem is the code the reconciler and agents refuse
 * it with; verify then lists every further problem, and (strictly) signatures
 * that did not count although the threshold was met. With a base: HEAD
 * descends from it, no channel deleted or rewound, each changed channel's
 * revision is exactly +1 with `previous` equal to the base digest, new
 * channels start at 1.
 */
export function checkRepository(input: {
  head: ChannelsAt;
  base?: ChannelsAt;
  headDescendsFromBase?: boolean;
  policy: TrustConfig;
  now: Date;
}): RepoCheck {
  const { head, base, policy, now } = input;
  const channels: ChannelCheck[] = [];
  const impact: ChannelImpact[] = [];
  const problems: OgygiaError[] = [];
  const parsedBase = new Map<string, { doc: ChannelDocument; digest: string }>();
  if (base) {
    for (const [name, bytes] of base.files) {
      try {
        const size = base.sizes?.get(name);
        const doc = parseChannelDocument(bytes, { file: `channels/${name}.json@base`, fileChannel: name, ...(size !== undefined ? { size } : {}) });
        parsedBase.set(name, { doc, digest: releaseDigest(doc.release) });
      } catch (e) {
        // A broken base file cannot anchor a transition; its replacement is judged on its own.
        if (!(e instanceof OgygiaError)) throw e;
      }
    }
    if (input.headDescendsFromBase === false) {
      problems.push(
        new NotDescendantError({ against: 'base', head: head.commit, base: base.commit }),
      );
    }
    for (const name of base.files.keys()) {
      if (!head.files.has(name)) {
        problems.push(
          new ChannelDeletedError({ where: 'change', channel: name }),
        );
      }
    }
  }
  for (const [name, bytes] of [...head.files].sort(([a], [b]) => a.localeCompare(b))) {
    const file = `channels/${name}.json`;
    const before = parsedBase.get(name);
    // The one verifier (core/verify): its problems in order (the first is what agents and the
    // reconciler would refuse with), then signatures that did not count although the threshold was met.
    const size = head.sizes?.get(name);
    const v = verifyRelease({
      bytes,
      ...(size !== undefined ? { size } : {}),
      file,
      channel: name,
      trust: policy,
      now,
      ...(base
        ? {
            transition: {
              ...(before ? { floor: { revision: before.doc.release.revision, digest: before.digest } } : {}),
              allowSkip: false,
              requireFirstRevision: !base.files.has(name),
            },
          }
        : {}),
    });
    if (base && v.release && (v.transition === 'first' || v.transition === 'next')) impact.push(computeImpact(before?.doc.release, v.release));
    const c: { channel: string; file: string; release?: Release; revision?: number; digest?: string; signers: readonly string[]; problems: OgygiaError[] } = {
      channel: name,
      file,
      signers: v.signers,
      problems: [...v.problems, ...v.notes],
    };
    if (v.release) {
      c.release = v.release;
      c.revision = v.release.revision;
    }
    if (v.digest) c.digest = v.digest;
    channels.push(c);
  }
  const ok = problems.length === 0 && channels.every((c) => c.problems.length === 0);
  const result: { ok: boolean; head: string; base?: string; channels: ChannelCheck[]; impact: ChannelImpact[]; baseReleases: Release[]; problems: OgygiaError[] } = {
    ok,
    head: head.commit,
    channels,
    impact,
    baseReleases: [...parsedBase.values()].map((b) => b.doc.release),
    problems,
  };
  if (base) result.base = base.commit;
  return result;
}

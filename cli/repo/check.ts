import { ChannelDeletedError, InvalidChannelNameError, NotDescendantError, OgygiaError, isOgygiaError } from '../../core/errors/index.js';
import { type ChannelImpact, computeImpact } from './impact.js';
import { CHANNEL_NAME, type ChannelDocument, parseChannelDocument, type Release } from '../../core/release.js';
import { releaseDigest } from '../../core/signing.js';
import { assertNotExpired, classifyTransition } from '../../core/transition.js';
import { assertThreshold, checkSignatures, policyFor, type TrustConfig } from '../../core/trust.js';

/** The input of a repository check: channel file bytes at HEAD (and at the base of a pull request). */
export interface ChannelsAt {
  readonly commit: string;
  readonly files: ReadonlyMap<string, Uint8Array>; // channel name (file name) -> bytes
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
  /** Problems that belong to no single channel file (deleted channels, a rewound branch). */
  readonly problems: readonly OgygiaError[];
}

function asError(e: unknown): OgygiaError {
  if (isOgygiaError(e)) return e;
  throw e;
}

/**
 * Pure: everything `ogygia verify` checks. Each channel file at HEAD: format,
 * signatures (strictly: unknown keys, bad and duplicate signatures are
 * problems), threshold by distinct keys, expiry. With a base: HEAD descends
 * from it, no channel deleted or rewound, each changed channel's revision is
 * exactly +1 with `previous` equal to the base digest, new channels start at 1.
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
        const doc = parseChannelDocument(bytes, { file: `channels/${name}.json@base`, fileChannel: name });
        parsedBase.set(name, { doc, digest: releaseDigest(doc.release) });
      } catch {
        // A broken base file cannot anchor a transition; its replacement is judged on its own.
      }
    }
    if (input.headDescendsFromBase === false) {
      problems.push(
        new NotDescendantError(`HEAD ${head.commit.slice(0, 12)} does not descend from base ${base.commit.slice(0, 12)}; rebase the branch on the base instead of rewriting history.`, {
          head: head.commit,
          base: base.commit,
        }),
      );
    }
    for (const name of base.files.keys()) {
      if (!head.files.has(name)) {
        problems.push(
          new ChannelDeletedError(`Channel ${name} was deleted; hosts following it would be stranded, so publish a new release instead of removing the file.`, {
            channel: name,
          }),
        );
      }
    }
  }
  for (const [name, bytes] of [...head.files].sort(([a], [b]) => a.localeCompare(b))) {
    const file = `channels/${name}.json`;
    const errs: OgygiaError[] = [];
    let doc: ChannelDocument | undefined;
    let digest: string | undefined;
    let signers: string[] = [];
    if (!CHANNEL_NAME.test(name)) {
      errs.push(new InvalidChannelNameError(`${file}: ${JSON.stringify(name)} is not a valid channel name; rename the file.`, { file }));
    } else {
      try {
        doc = parseChannelDocument(bytes, { file, fileChannel: name });
        digest = releaseDigest(doc.release);
      } catch (e) {
        errs.push(asError(e));
      }
    }
    if (doc && digest) {
      const d = doc;
      const step = <T>(f: () => T): T | undefined => {
        try {
          return f();
        } catch (e) {
          errs.push(asError(e));
          return undefined;
        }
      };
      const policyForChannel = step(() => policyFor(policy, name));
      if (policyForChannel) {
        // Every signature that does not count is its own problem, then the threshold.
        const check = checkSignatures(d, policyForChannel);
        signers = check.verified.map((k) => k.name);
        errs.push(...check.problems);
        step(() => assertThreshold(d, policyForChannel));
      }
      step(() => assertNotExpired(d.release, now));
      if (base) {
        const before = parsedBase.get(name);
        const baseHad = base.files.has(name);
        const kind = step(() =>
          classifyTransition(before ? { revision: before.doc.release.revision, digest: before.digest } : undefined, d.release, digest!, {
            allowSkip: false,
            requireFirstRevision: !baseHad,
          }),
        );
        if (kind === 'first' || kind === 'next') impact.push(computeImpact(before?.doc.release, d.release));
      }
    }
    const c: { channel: string; file: string; release?: Release; revision?: number; digest?: string; signers: string[]; problems: OgygiaError[] } = {
      channel: name,
      file,
      signers,
      problems: errs,
    };
    if (doc) {
      c.release = doc.release;
      c.revision = doc.release.revision;
    }
    if (digest) c.digest = digest;
    channels.push(c);
  }
  const ok = problems.length === 0 && channels.every((c) => c.problems.length === 0);
  const result: { ok: boolean; head: string; base?: string; channels: ChannelCheck[]; impact: ChannelImpact[]; problems: OgygiaError[] } = {
    ok,
    head: head.commit,
    channels,
    impact,
    problems,
  };
  if (base) result.base = base.commit;
  return result;
}

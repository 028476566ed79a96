import type { SecretKey } from '../core/keys.js';
import type { Rollout } from '../core/rollout.js';
import { formatChannelDocument, type ChannelDocument, type Release } from '../core/release.js';
import { releaseDigest, signRelease } from '../core/signing.js';
import { nextRelease } from '../cli/repo/publish.js';
import { storePath } from './store-paths.js';

/**
 * Signed release chains for tests, benchmarks and the demo, built with the
 * same core functions `ogygia publish` and `ogygia approve` use
 * (cli/repo/publish.ts `nextRelease`, core/signing.ts `signRelease`).
 */

/** The `source.revision` of every test release unless a test says otherwise. */
export const SOURCE_REV = 'a'.repeat(40);
/** The `issuedAt` of every test release unless a test says otherwise. */
export const ISSUED_AT = new Date('2026-01-01T00:00:00Z');

/** A signed release: the document, its digest, and the channel file's text as `ogygia publish` writes it. */
export interface Built {
  readonly doc: ChannelDocument;
  readonly digest: string;
  readonly text: string;
}

/** What a test may set on a release; the rest follows from the previous one, as in `ogygia publish`. */
export interface ReleaseRequest {
  /** Host or `*` → store path. Default: `{ '*': storePath('<channel>-<revision>') }`, a new path per revision. */
  readonly targets?: Readonly<Record<string, string>>;
  readonly sourceRevision?: string;
  readonly substituters?: readonly string[];
  readonly issuedAt?: Date;
  readonly expiresAt?: Date;
  readonly rollout?: Rollout;
}

/** The unsigned release that follows `prev` on `channel` (revision 1 when there is none). */
export function releaseAfter(prev: Built | undefined, channel: string, req: ReleaseRequest = {}): Release {
  const revision = prev ? prev.doc.release.revision + 1 : 1;
  return nextRelease(prev, {
    channel,
    targets: req.targets ?? { '*': storePath(`${channel}-${revision}`) },
    sourceRevision: req.sourceRevision ?? SOURCE_REV,
    issuedAt: req.issuedAt ?? ISSUED_AT,
    ...(req.substituters ? { substituters: req.substituters } : {}),
    ...(req.expiresAt ? { expiresAt: req.expiresAt } : {}),
    ...(req.rollout ? { rollout: req.rollout } : {}),
  });
}

/** `release` signed by each of `signers`, in order (none: an unsigned document). */
export function signed(release: Release, ...signers: readonly SecretKey[]): Built {
  return built({ release, signatures: signers.map((k) => signRelease(release, k)) });
}

/** The same release with more signatures (approvals): the same revision and digest. */
export function approve(b: Built, ...keys: readonly SecretKey[]): Built {
  return built({ release: b.doc.release, signatures: [...b.doc.signatures, ...keys.map((k) => signRelease(b.doc.release, k))] });
}

/** A tampered copy: the release is changed after signing (by default its targets), the signatures stay. */
export function tamper(b: Built, change: (r: Release) => Release = (r) => ({ ...r, targets: { '*': { storePath: storePath('tampered') } } })): Built {
  return built({ release: change(b.doc.release), signatures: b.doc.signatures });
}

/** A document as it travels: its digest and its formatted channel file. */
export function built(doc: ChannelDocument): Built {
  return { doc, digest: releaseDigest(doc.release), text: formatChannelDocument(doc) };
}

/**
 * One channel's releases in order. `next` builds the revision after the head,
 * signs it and makes it the head. Start a chain from any release (`from`) to
 * fork history: a replay, a rival revision, a release signed by an intruder.
 */
export class ReleaseChain {
  private last: Built | undefined;

  constructor(
    readonly channel: string,
    readonly signers: readonly SecretKey[],
    from?: Built,
  ) {
    this.last = from;
  }

  get head(): Built | undefined {
    return this.last;
  }

  next(req: ReleaseRequest = {}, signers: readonly SecretKey[] = this.signers): Built {
    this.last = signed(releaseAfter(this.last, this.channel, req), ...signers);
    return this.last;
  }
}

/** A channel file's text as the bytes a source hands to the verifier. */
export function bytesOf(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatPublicKey, parseSecretKey, type SecretKey } from '../core/keys.js';
import { nextRelease } from '../cli/repo/publish.js';
import { formatChannelDocument, type ChannelDocument } from '../core/release.js';
import { releaseDigest, signRelease } from '../core/signing.js';

/** Test-only keys committed under fixtures/keys (see its README): never trust them anywhere real. */
export function testKey(name: 'test-only-ops-1' | 'test-only-ops-2' | 'test-only-intruder'): SecretKey {
  const file = fileURLToPath(new URL(`../fixtures/keys/${name}.secret`, import.meta.url));
  return parseSecretKey(readFileSync(file, 'utf8'));
}

export function testPublicKey(name: Parameters<typeof testKey>[0]): string {
  return formatPublicKey(testKey(name).publicKey);
}

export interface Built {
  readonly doc: ChannelDocument;
  readonly digest: string;
  readonly text: string;
}

let counter = 0;

/** A fake but well-formed store path (nix32 alphabet). */
export function storePath(label: string): string {
  const alphabet = '0123456789abcdfghijklmnpqrsvwxyz';
  let h = '';
  let x = [...label].reduce((a, c) => (a * 31 + c.charCodeAt(0)) >>> 0, 7) ^ ++counter;
  for (let i = 0; i < 32; i++) {
    h += alphabet[x % 32];
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
  }
  return `/nix/store/${h}-nixos-system-${label}`;
}

/** The next signed release of a channel, built with the same core functions `ogygia publish` uses. */
export function buildRelease(
  prev: Built | undefined,
  opts: { channel: string; signers: SecretKey[]; label?: string; expiresAt?: Date; issuedAt?: Date },
): Built {
  const release = nextRelease(prev ? { doc: prev.doc, digest: prev.digest } : undefined, {
    channel: opts.channel,
    targets: { '*': storePath(opts.label ?? opts.channel) },
    sourceRevision: 'a'.repeat(40),
    issuedAt: opts.issuedAt ?? new Date('2026-11-21T10:00:00Z'),
    ...(opts.expiresAt ? { expiresAt: opts.expiresAt } : {}),
  });
  const doc: ChannelDocument = { release, signatures: opts.signers.map((k) => signRelease(release, k)) };
  return { doc, digest: releaseDigest(release), text: formatChannelDocument(doc) };
}

/** The same release with one more signature (an approval), not a new revision. */
export function addSignature(b: Built, key: SecretKey): Built {
  const doc: ChannelDocument = { release: b.doc.release, signatures: [...b.doc.signatures, signRelease(b.doc.release, key)] };
  return { doc, digest: b.digest, text: formatChannelDocument(doc) };
}

/** A tampered copy: the targets change after signing, the signatures stay. */
export function tamper(b: Built): Built {
  const release = { ...b.doc.release, targets: { '*': { storePath: storePath('evil') } } };
  const doc: ChannelDocument = { release, signatures: b.doc.signatures };
  return { doc, digest: releaseDigest(release), text: formatChannelDocument(doc) };
}

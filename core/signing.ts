import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import { type PublicKey, type SecretKey, signBytes, verifyBytes } from './keys.js';
import type { Release, Signature } from './release.js';

/** Domain separation: a release signature can never be valid as a Nix path signature or anything else. */
export const SIGNING_PREFIX = 'ogygia-release-v1\n';

/** The exact bytes that are signed and hashed: prefix + JCS(release). */
export function signingBytes(release: Release): Uint8Array {
  return new Uint8Array(Buffer.from(SIGNING_PREFIX + canonicalJson(release), 'utf8'));
}

/** `sha256:` + lowercase hex of SHA-256 over the signing bytes. */
export function releaseDigest(release: Release): string {
  return 'sha256:' + createHash('sha256').update(signingBytes(release)).digest('hex');
}

export function signRelease(release: Release, key: SecretKey): Signature {
  return { key: key.name, sig: Buffer.from(signBytes(key, signingBytes(release))).toString('base64') };
}

export function verifySignature(release: Release, signature: Signature, key: PublicKey): boolean {
  return verifyBytes(key, signingBytes(release), new Uint8Array(Buffer.from(signature.sig, 'base64')));
}

import { createPublicKey, type KeyObject, verify as cryptoVerify } from 'node:crypto';
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { InvalidKeyError } from './errors/index.js';

// The sync API of @noble/ed25519 v3 needs a SHA-512 implementation.
ed.hashes.sha512 = sha512;

/**
 * Keys in Nix's format, so `nix key generate-secret` output is a valid
 * signing key: secret `NAME:base64(seed ‖ public)` (64 bytes), public
 * `NAME:base64(public)` (32 bytes).
 */
export interface PublicKey {
  readonly name: string;
  readonly bytes: Uint8Array; // 32 bytes
}

export interface SecretKey {
  readonly name: string;
  readonly seed: Uint8Array; // 32 bytes
  readonly publicKey: PublicKey;
}

const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

export function isValidKeyName(name: string): boolean {
  return name.length <= 128 && KEY_NAME.test(name);
}

function splitKey(text: string, what: 'public' | 'secret'): { name: string; bytes: Uint8Array } {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(':');
  if (colon <= 0) {
    throw new InvalidKeyError({ reason: 'format', what });
  }
  const name = trimmed.slice(0, colon);
  const b64 = trimmed.slice(colon + 1);
  if (!isValidKeyName(name)) {
    throw new InvalidKeyError({ reason: 'name', what, name });
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) {
    throw new InvalidKeyError({ reason: 'base64', what, name });
  }
  return { name, bytes: new Uint8Array(Buffer.from(b64, 'base64')) };
}

export function parsePublicKey(text: string): PublicKey {
  const { name, bytes } = splitKey(text, 'public');
  if (bytes.length !== 32) {
    throw new InvalidKeyError({ reason: 'length', what: 'public', name, length: bytes.length });
  }
  return { name, bytes };
}

export function parseSecretKey(text: string): SecretKey {
  const { name, bytes } = splitKey(text, 'secret');
  if (bytes.length !== 64) {
    throw new InvalidKeyError({ reason: 'length', what: 'secret', name, length: bytes.length });
  }
  const seed = bytes.slice(0, 32);
  const pub = ed.getPublicKey(seed);
  if (!equalBytes(pub, bytes.slice(32))) {
    throw new InvalidKeyError({ reason: 'mismatch', name });
  }
  return { name, seed, publicKey: { name, bytes: pub } };
}

export function generateSecretKey(name: string): SecretKey {
  if (!isValidKeyName(name)) {
    throw new InvalidKeyError({ reason: 'name', name });
  }
  const seed = ed.utils.randomSecretKey();
  return { name, seed, publicKey: { name, bytes: ed.getPublicKey(seed) } };
}

/** The ed25519 public key a 32-byte seed gives. */
export function publicKeyOfSeed(seed: Uint8Array): Uint8Array {
  return ed.getPublicKey(seed);
}

export function formatPublicKey(key: PublicKey): string {
  return `${key.name}:${Buffer.from(key.bytes).toString('base64')}`;
}

export function formatSecretKey(key: SecretKey): string {
  const both = new Uint8Array(64);
  both.set(key.seed, 0);
  both.set(key.publicKey.bytes, 32);
  return `${key.name}:${Buffer.from(both).toString('base64')}`;
}

export function signBytes(key: SecretKey, message: Uint8Array): Uint8Array {
  return ed.sign(message, key.seed);
}

/**
 * Verify an ed25519 signature. Uses node:crypto (OpenSSL), ~12x faster than
 * @noble/ed25519 here (NOTES.md: ~9,400 vs ~740 verifications/s); keys.test.ts
 * checks that both always agree. Signing and key derivation stay on @noble.
 */
export function verifyBytes(key: PublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64 || key.bytes.length !== 32) return false;
  try {
    return cryptoVerify(null, message, nodeKey(key.bytes), signature);
  } catch {
    return false;
  }
}

/** The pure-JS verifier, kept as the reference the fast path is tested against. */
export function verifyBytesReference(key: PublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  try {
    return ed.verify(signature, message, key.bytes);
  } catch {
    return false;
  }
}

const nodeKeys = new Map<string, KeyObject>();
function nodeKey(bytes: Uint8Array): KeyObject {
  const id = Buffer.from(bytes).toString('base64url');
  let k = nodeKeys.get(id);
  if (!k) {
    k = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: id }, format: 'jwk' });
    if (nodeKeys.size > 4096) nodeKeys.clear();
    nodeKeys.set(id, k);
  }
  return k;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Stable identity of a public key: distinct keys are counted by this, never by name. */
export function keyId(key: PublicKey): string {
  return Buffer.from(key.bytes).toString('hex');
}

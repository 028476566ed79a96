import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPublicKey, formatSecretKey, generateSecretKey, parsePublicKey, parseSecretKey, signBytes, verifyBytes, verifyBytesReference } from './keys.js';

describe('Nix-format keys', () => {
  it('round-trips a generated key through its text form', () => {
    const k = generateSecretKey('ops-1');
    const again = parseSecretKey(formatSecretKey(k));
    expect(again.name).toBe('ops-1');
    expect(formatPublicKey(again.publicKey)).toBe(formatPublicKey(k.publicKey));
  });

  it('parses a literal secret key and derives its public half', () => {
    // RFC 8032 test vector 1: seed 9d61b19d..., public d75a9801...
    const seed = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
    const pub = Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex');
    const k = parseSecretKey(`rfc:${Buffer.concat([seed, pub]).toString('base64')}`);
    expect(formatPublicKey(k.publicKey)).toBe(`rfc:${pub.toString('base64')}`);
    const sig = Buffer.from(signBytes(k, new Uint8Array())).toString('hex');
    expect(sig).toBe('e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b');
  });

  it.each([
    ['no colon', 'abc', /NAME:BASE64/],
    ['empty name', ':AAAA', /NAME:BASE64/],
    ['bad name', 'a b:AAAA', /may only use/],
    ['bad base64', 'k:@@@', /not valid base64/],
    ['public given as secret', `k:${Buffer.alloc(32).toString('base64')}`, /not 64/],
  ])('refuses a secret key with %s (InvalidKeyError)', (_, text, msg) => {
    expect(() => parseSecretKey(text)).toThrow(msg);
    try {
      parseSecretKey(text);
    } catch (e) {
      expect((e as { code: string }).code).toBe('InvalidKeyError');
    }
  });

  it('refuses a secret key whose halves do not match', () => {
    const k = generateSecretKey('x');
    const other = generateSecretKey('x');
    const both = Buffer.concat([Buffer.from(k.seed), Buffer.from(other.publicKey.bytes)]);
    expect(() => parseSecretKey(`x:${both.toString('base64')}`)).toThrow(/does not match/);
  });

  it('refuses a public key of the wrong length', () => {
    expect(() => parsePublicKey(`k:${Buffer.alloc(64).toString('base64')}`)).toThrow(/not 32/);
  });

  it('signatures verify only for the signed bytes', () => {
    const k = generateSecretKey('p');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), (msg, i) => {
        const sig = signBytes(k, msg);
        expect(verifyBytes(k.publicKey, msg, sig)).toBe(true);
        const flipped = msg.slice();
        flipped[i % msg.length]! ^= 1;
        expect(verifyBytes(k.publicKey, flipped, sig)).toBe(false);
      }),
      { numRuns: 50 },
    );
  });

  it('the fast verifier (node:crypto) agrees with @noble/ed25519 on valid, altered and random signatures', () => {
    const k = generateSecretKey('agree');
    const other = generateSecretKey('other');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.nat(), (msg, junk, i) => {
        const sig = signBytes(k, msg);
        const bent = sig.slice();
        bent[i % 64]! ^= 1 << (i % 8);
        for (const [key, s] of [[k.publicKey, sig], [k.publicKey, bent], [k.publicKey, junk], [other.publicKey, sig]] as const) {
          expect(verifyBytes(key, msg, s)).toBe(verifyBytesReference(key, msg, s));
        }
        expect(verifyBytes(k.publicKey, msg, sig)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

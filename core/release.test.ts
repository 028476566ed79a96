import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { type ChannelDocument, formatChannelDocument, parseChannelDocument, targetFor } from './release.js';
import { releaseDigest, SIGNING_PREFIX, signingBytes } from './signing.js';
import { checkSignatures, policyFor } from './trust.js';
import { judgeSignatures } from './verify/signatures.js';
import { codeOf } from '../testkit/error-code.js';
import { testKey } from '../testkit/keys.js';
import { releaseAfter, signed } from '../testkit/release-chain.js';
import { storePath } from '../testkit/store-paths.js';

const k1 = testKey('test-only-ops-1');
const k2 = testKey('test-only-ops-2');
const k3 = testKey('test-only-intruder');
const policy = (threshold: number) => ({ keys: [k1.publicKey, k2.publicKey], threshold });
const A = storePath('a');
const WEB01 = storePath('web01');
const { doc: r1, text: r1text } = signed(releaseAfter(undefined, 'prod', { targets: { '*': A, web01: WEB01 } }), k1);

function mutate(doc: ChannelDocument, f: (o: Record<string, any>) => void): string {
  const o = JSON.parse(formatChannelDocument(doc));
  f(o);
  return JSON.stringify(o);
}

describe('parseChannelDocument', () => {
  it('accepts what publish writes, and formatting is stable', () => {
    const text = r1text;
    const doc = parseChannelDocument(text, { fileChannel: 'prod' });
    expect(doc.release.revision).toBe(1);
    expect(formatChannelDocument(doc)).toBe(text);
  });

  it.each<[string, (o: Record<string, any>) => void, string]>([
    ['an unknown top-level field', (o) => (o.extra = 1), 'UnknownFieldError'],
    ['an unknown release field', (o) => (o.release.note = 'x'), 'UnknownFieldError'],
    ['an unknown target field', (o) => (o.release.targets['*'].closure = 'x'), 'UnknownFieldError'],
    ['revision as a string', (o) => (o.release.revision = '1'), 'InvalidFieldError'],
    ['revision 0', (o) => (o.release.revision = 0), 'InvalidFieldError'],
    ['a fractional revision', (o) => (o.release.revision = 1.5), 'InvalidFieldError'],
    ['spec 2', (o) => (o.release.spec = 2), 'InvalidFieldError'],
    ['a local-time issuedAt', (o) => (o.release.issuedAt = '2026-11-01T10:00:00'), 'InvalidFieldError'],
    ['an impossible date', (o) => (o.release.issuedAt = '2026-13-45T10:00:00Z'), 'InvalidFieldError'],
    ['no targets', (o) => (o.release.targets = {}), 'InvalidFieldError'],
    ['a short source revision', (o) => (o.release.source.revision = 'abc'), 'InvalidFieldError'],
    ['a non-URL substituter', (o) => (o.release.substituters = ['cache']), 'InvalidFieldError'],
    ['a short signature', (o) => (o.signatures[0].sig = 'AAAA'), 'InvalidFieldError'],
    ['revision 1 with a previous digest', (o) => (o.release.previous = 'sha256:' + 'a'.repeat(64)), 'InvalidFieldError'],
    ['a bad channel name', (o) => (o.release.channel = 'Prod'), 'InvalidChannelNameError'],
    ['a bad host name', (o) => (o.release.targets['web 01'] = { storePath: A }), 'InvalidHostNameError'],
    ['a store path with a shell metacharacter', (o) => (o.release.targets['*'].storePath = A + ';reboot'), 'InvalidStorePathError'],
    ['a store path with $()', (o) => (o.release.targets['*'].storePath = '/nix/store/0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a-$(id)'), 'InvalidStorePathError'],
    ['a store path outside /nix/store', (o) => (o.release.targets['*'].storePath = '/tmp/0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a-x'), 'InvalidStorePathError'],
    ['a store path with e/o/t/u in its hash', (o) => (o.release.targets['*'].storePath = '/nix/store/eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee-x'), 'InvalidStorePathError'],
    ['a traversal store path', (o) => (o.release.targets['*'].storePath = '/nix/store/0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a-x/../../etc'), 'InvalidStorePathError'],
    ['two signatures by one key name', (o) => o.signatures.push(o.signatures[0]), 'DuplicateSignatureError'],
  ])('refuses %s', (_, f, code) => {
    expect(codeOf(() => parseChannelDocument(mutate(r1, f), { fileChannel: 'prod' }))).toBe(code);
  });

  it('refuses malformed JSON, oversize files and a file named for another channel', () => {
    expect(codeOf(() => parseChannelDocument('{"release": '))).toBe('MalformedJsonError');
    expect(codeOf(() => parseChannelDocument(' '.repeat(64 * 1024) + r1text))).toBe('OversizeError');
    expect(codeOf(() => parseChannelDocument(r1text, { fileChannel: 'staging' }))).toBe('ChannelMismatchError');
  });

  it('targets a host by name, else by "*"', () => {
    expect(targetFor(r1.release, 'web01')).toBe(WEB01);
    expect(targetFor(r1.release, 'db01')).toBe(A);
    expect(targetFor(releaseAfter(undefined, 'prod', { targets: { web01: A } }), 'db01')).toBeUndefined();
    expect(targetFor(r1.release, '__proto__')).toBe(A);
  });
});

describe('signing and digest', () => {
  it('signs the domain-separated canonical bytes', () => {
    const bytes = Buffer.from(signingBytes(r1.release)).toString('utf8');
    expect(bytes.startsWith(SIGNING_PREFIX)).toBe(true);
    expect(bytes.slice(SIGNING_PREFIX.length)).toBe(canonicalJson(r1.release));
    expect(releaseDigest(r1.release)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('any single-byte change of a signed release fails verification', () => {
    const canonical = canonicalJson(r1.release);
    fc.assert(
      fc.property(fc.nat({ max: canonical.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, delta) => {
        const bytes = Buffer.from(canonical, 'utf8');
        bytes[i] = (bytes[i]! + delta) % 256;
        const mutated = bytes.toString('utf8');
        let value: unknown;
        try {
          value = JSON.parse(mutated);
        } catch {
          return; // no longer JSON: refused before any signature is looked at
        }
        if (canonicalJson(value) === canonical) return; // same release (cannot happen for canonical input, kept for honesty)
        const text = JSON.stringify({ release: value, signatures: r1.signatures });
        expect(() => {
          const doc = parseChannelDocument(text);
          const refusal = judgeSignatures(doc, policy(1)).problems[0];
          if (refusal) throw refusal;
        }).toThrow();
      }),
      { numRuns: 400 },
    );
  });
});

describe('trust: threshold by distinct public keys', () => {
  const r = releaseAfter(undefined, 'prod', { targets: { '*': A } });
  it('counts two keys', () => {
    expect(judgeSignatures(signed(r, k1, k2).doc, policy(2)).signers).toEqual(['test-only-ops-1', 'test-only-ops-2']);
  });
  it('refuses one key when two are needed', () => {
    expect(judgeSignatures(signed(r, k1).doc, policy(2)).problems[0]?.code).toBe('ThresholdNotMetError');
  });
  it('counts one public key under two names once', () => {
    const alias = { ...k1, name: 'alias', publicKey: { ...k1.publicKey, name: 'alias' } };
    const p = { keys: [...policy(2).keys, alias.publicKey], threshold: 2 };
    const check = checkSignatures(signed(r, k1, alias).doc, p);
    expect(check.verified).toHaveLength(1);
    expect(check.problems.map((e) => e.code)).toEqual(['DuplicateSignatureError']);
    expect(judgeSignatures(signed(r, k1, alias).doc, p).problems.map((e) => e.code)).toEqual(['DuplicateSignatureError', 'ThresholdNotMetError']);
  });
  it('reports an unknown key and a bad signature, and does not count them', () => {
    const bad = { ...signed(r, k1).doc, signatures: [{ key: k2.name, sig: signed(r, k1).doc.signatures[0]!.sig }] };
    expect(checkSignatures(signed(r, k3).doc, policy(1)).problems.map((e) => e.code)).toEqual(['UnknownKeyError']);
    expect(checkSignatures(bad, policy(1)).problems.map((e) => e.code)).toEqual(['BadSignatureError']);
  });
  it('has per-channel overrides and refuses a channel with no keys', () => {
    const cfg = { default: policy(1), channels: { prod: { threshold: 2 } } };
    expect(policyFor(cfg, 'prod').threshold).toBe(2);
    expect(policyFor(cfg, 'dev').threshold).toBe(1);
    expect(codeOf(() => policyFor({ channels: {} }, 'prod'))).toBe('NoTrustPolicyError');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatChannelDocument } from '../core/release.js';
import { signRelease } from '../core/signing.js';
import { codeOf } from '../testkit/error-code.js';
import { testKey } from '../testkit/keys.js';
import { bytesOf, ReleaseChain } from '../testkit/release-chain.js';
import { storePath } from '../testkit/store-paths.js';
import { verifyHead, type VerifyContext } from './verify.js';

const k1 = testKey('test-only-ops-1');
const k2 = testKey('test-only-ops-2');
const stranger = testKey('test-only-intruder');
const A = storePath('a');
const B = storePath('b');
const NOW = new Date('2026-02-01T00:00:00Z');
const C1 = '1'.repeat(40);
const C2 = '2'.repeat(40);

function ctx(over: Partial<VerifyContext> = {}): VerifyContext {
  return { channel: 'prod', host: 'web01', policy: { keys: [k1.publicKey, k2.publicKey], threshold: 1 }, now: NOW, ...over };
}

const code = (f: () => unknown): string => codeOf(f) ?? 'ok';

describe('verifyHead (DESIGN.md §5 order)', () => {
  const chain = new ReleaseChain('prod', [k1]);
  const r1 = chain.next({ targets: { '*': A } });
  const r2 = chain.next({ targets: { '*': B } });
  const floor1 = { revision: 1, digest: r1.digest, commit: C1 };

  it('accepts a first release and the next one in the chain', () => {
    const v1 = verifyHead({ bytes: bytesOf(r1.text), commit: C1 }, ctx());
    expect(v1).toMatchObject({ digest: r1.digest, storePath: A, transition: 'first', commit: C1 });
    const v2 = verifyHead({ bytes: bytesOf(r2.text), commit: C2 }, ctx({ floor: floor1, descendsFromFloor: true }));
    expect(v2).toMatchObject({ storePath: B, transition: 'next' });
  });

  it('refuses an oversize file before parsing it', () => {
    expect(code(() => verifyHead({ bytes: new Uint8Array(64 * 1024 + 1).fill(0x7b), commit: C1 }, ctx()))).toBe('OversizeError');
  });

  it('refuses bytes that are not a channel file', () => {
    expect(code(() => verifyHead({ bytes: bytesOf('{nope'), commit: C1 }, ctx()))).toBe('MalformedJsonError');
    expect(code(() => verifyHead({ bytes: bytesOf('{"release":{},"signatures":[],"x":1}'), commit: C1 }, ctx()))).toBe('UnknownFieldError');
  });

  it('refuses a release of another channel', () => {
    const other = new ReleaseChain('staging', [k1]).next({ targets: { '*': A } });
    expect(code(() => verifyHead({ bytes: bytesOf(other.text), commit: C1 }, ctx()))).toBe('WrongChannelError');
  });

  it('refuses a release that targets neither this host nor "*"', () => {
    const r = new ReleaseChain('prod', [k1]).next({ targets: { web02: A } });
    expect(code(() => verifyHead({ bytes: bytesOf(r.text), commit: C1 }, ctx()))).toBe('HostNotTargetedError');
    expect(verifyHead({ bytes: bytesOf(r.text), commit: C1 }, ctx({ host: 'web02' })).storePath).toBe(A);
  });

  it('prefers the host entry over "*"', () => {
    const r = new ReleaseChain('prod', [k1]).next({ targets: { '*': A, web01: B } });
    expect(verifyHead({ bytes: bytesOf(r.text), commit: C1 }, ctx()).storePath).toBe(B);
  });

  it('refuses too few distinct pinned keys with ThresholdNotMetError', () => {
    expect(code(() => verifyHead({ bytes: bytesOf(r1.text), commit: C1 }, ctx({ policy: { keys: [k1.publicKey, k2.publicKey], threshold: 2 } })))).toBe(
      'ThresholdNotMetError',
    );
    const none = formatChannelDocument({ ...r1.doc, signatures: [] });
    expect(code(() => verifyHead({ bytes: bytesOf(none), commit: C1 }, ctx()))).toBe('ThresholdNotMetError');
  });

  it('counts one key once even under two names', () => {
    const alias = { ...k1, name: 'test-only-alias', publicKey: { ...k1.publicKey, name: 'test-only-alias' } };
    const doc = { ...r1.doc, signatures: [signRelease(r1.doc.release, k1), signRelease(r1.doc.release, alias)] };
    const policy = { keys: [k1.publicKey, alias.publicKey], threshold: 2 };
    expect(code(() => verifyHead({ bytes: bytesOf(formatChannelDocument(doc)), commit: C1 }, ctx({ policy })))).toBe('DuplicateSignatureError');
  });

  it('refuses a signature by an unknown key with UnknownKeyError', () => {
    const r = new ReleaseChain('prod', [stranger]).next({ targets: { '*': A } });
    expect(code(() => verifyHead({ bytes: bytesOf(r.text), commit: C1 }, ctx()))).toBe('UnknownKeyError');
  });

  it('refuses a signature that does not verify with BadSignatureError', () => {
    const forged = { ...r1.doc, signatures: [{ key: k1.name, sig: signRelease(r1.doc.release, k2).sig }] };
    expect(code(() => verifyHead({ bytes: bytesOf(formatChannelDocument(forged)), commit: C1 }, ctx()))).toBe('BadSignatureError');
  });

  it('refuses an expired release', () => {
    const r = new ReleaseChain('prod', [k1]).next({ targets: { '*': A }, expiresAt: new Date('2026-01-15T00:00:00Z') });
    expect(code(() => verifyHead({ bytes: bytesOf(r.text), commit: C1 }, ctx()))).toBe('ExpiredReleaseError');
    expect(code(() => verifyHead({ bytes: bytesOf(r.text), commit: C1 }, ctx({ now: new Date('2026-01-10T00:00:00Z') })))).toBe('ok');
  });

  it('refuses a replay: an older revision, or the same revision with other content', () => {
    const floor2 = { revision: 2, digest: r2.digest, commit: C2 };
    expect(code(() => verifyHead({ bytes: bytesOf(r1.text), commit: C1 }, ctx({ floor: floor2 })))).toBe('ReplayError');
    const other2 = new ReleaseChain('prod', [k1]);
    other2.next({ targets: { '*': A } });
    const fake2 = other2.next({ targets: { '*': A } });
    expect(code(() => verifyHead({ bytes: bytesOf(fake2.text), commit: C2 }, ctx({ floor: { ...floor2, digest: 'sha256:' + '0'.repeat(64) } })))).toBe(
      'ReplayError',
    );
    expect(verifyHead({ bytes: bytesOf(r2.text), commit: C2 }, ctx({ floor: floor2 })).transition).toBe('same');
  });

  it('refuses the next revision when previous does not chain', () => {
    const floor = { revision: 1, digest: 'sha256:' + 'f'.repeat(64), commit: C1 };
    expect(code(() => verifyHead({ bytes: bytesOf(r2.text), commit: C2 }, ctx({ floor })))).toBe('BrokenChainError');
  });

  it('accepts a later revision that skips some when the releases in between link it back (DESIGN.md §12)', () => {
    const r3 = chain.next({ targets: { '*': A } });
    expect(verifyHead({ bytes: bytesOf(r3.text), commit: C2, chain: [bytesOf(r2.text)] }, ctx({ floor: floor1 })).transition).toBe('skip');
    // Without them, or with a chain that does not reach the floor, the skip is refused.
    expect(code(() => verifyHead({ bytes: bytesOf(r3.text), commit: C2 }, ctx({ floor: floor1 })))).toBe('ChainBrokenError');
    expect(code(() => verifyHead({ bytes: bytesOf(r3.text), commit: C2, chain: [bytesOf(r2.text)] }, ctx({ floor: { ...floor1, digest: 'sha256:' + '0'.repeat(64) } })))).toBe(
      'ChainBrokenError',
    );
  });

  it('refuses a release issued more than an hour ahead of this clock (NotYetValidError)', () => {
    const future = new ReleaseChain('prod', [k1]).next({ targets: { '*': A }, issuedAt: new Date(NOW.getTime() + 61 * 60 * 1000) });
    expect(code(() => verifyHead({ bytes: bytesOf(future.text), commit: C1 }, ctx()))).toBe('NotYetValidError');
    const skewed = new ReleaseChain('prod', [k1]).next({ targets: { '*': A }, issuedAt: new Date(NOW.getTime() + 59 * 60 * 1000) });
    expect(code(() => verifyHead({ bytes: bytesOf(skewed.text), commit: C1 }, ctx()))).toBe('ok');
  });

  it('refuses a commit that does not descend from the applied one (git source), as the last check', () => {
    expect(code(() => verifyHead({ bytes: bytesOf(r2.text), commit: C2 }, ctx({ floor: floor1, descendsFromFloor: false })))).toBe('NotDescendantError');
    // Order: an expired release on a rewound branch is reported as expired (expiry comes first).
    const ex = new ReleaseChain('prod', [k1]);
    ex.next({ targets: { '*': A } });
    const ex2 = ex.next({ targets: { '*': A }, expiresAt: new Date('2026-01-02T00:00:00Z') });
    expect(code(() => verifyHead({ bytes: bytesOf(ex2.text), commit: C2 }, ctx({ floor: floor1, descendsFromFloor: false })))).toBe('ExpiredReleaseError');
  });

  it('checks the channel before the host and the host before signatures', () => {
    const r = new ReleaseChain('staging', [stranger]).next({ targets: { web02: A } });
    expect(code(() => verifyHead({ bytes: bytesOf(r.text), commit: C1 }, ctx()))).toBe('WrongChannelError');
    const r2b = new ReleaseChain('prod', [stranger]).next({ targets: { web02: A } });
    expect(code(() => verifyHead({ bytes: bytesOf(r2b.text), commit: C1 }, ctx()))).toBe('HostNotTargetedError');
  });
});

describe('verifyHead properties', () => {
  const chain = new ReleaseChain('prod', [k1]);
  const good = chain.next({ targets: { '*': A } });

  it('never throws anything but an OgygiaError, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        const c = code(() => verifyHead({ bytes, commit: C1 }, ctx()));
        expect(c).not.toBe('ok');
      }),
      { numRuns: 300 },
    );
  });

  it('refuses any single-character change to a signed document', () => {
    fc.assert(
      fc.property(fc.nat({ max: good.text.length - 1 }), fc.string({ minLength: 1, maxLength: 1, unit: 'binary-ascii' }), (i, ch) => {
        fc.pre(good.text[i] !== ch);
        const mutated = good.text.slice(0, i) + ch + good.text.slice(i + 1);
        const c = code(() => verifyHead({ bytes: bytesOf(mutated), commit: C1 }, ctx()));
        // Either refused, or the change was invisible to the parsed document (whitespace), so the signature still holds.
        if (c === 'ok') expect(JSON.parse(mutated)).toEqual(JSON.parse(good.text));
      }),
      { numRuns: 400 },
    );
  });

  it('refuses every revision at or below the floor unless it is the same release', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 1000 }), (floorRev) => {
        const floor = { revision: floorRev, digest: 'sha256:' + 'e'.repeat(64), commit: C2 };
        expect(code(() => verifyHead({ bytes: bytesOf(good.text), commit: C1 }, ctx({ floor })))).toBe('ReplayError');
      }),
      { numRuns: 100 },
    );
  });
});

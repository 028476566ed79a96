import { describe, expect, it } from 'vitest';
import { codeOf } from '../testkit/error-code.js';
import { ReleaseChain } from '../testkit/release-chain.js';
import { storePath } from '../testkit/store-paths.js';
import { assertNotExpired, classifyTransition } from './transition.js';

const chain = new ReleaseChain('prod', []);
const { doc: { release: r1 }, digest: d1 } = chain.next({ targets: { '*': storePath('a') } });
const { doc: { release: r2 }, digest: d2 } = chain.next({ targets: { '*': storePath('b') } });

describe('classifyTransition', () => {
  const strict = { allowSkip: false };
  it.each([
    ['nothing accepted yet', undefined, r2, d2, { allowSkip: true }, 'first'],
    ['the same release again', { revision: 1, digest: d1 }, r1, d1, strict, 'same'],
    ['the next revision chained', { revision: 1, digest: d1 }, r2, d2, strict, 'next'],
    ['a later revision when skipping is allowed', { revision: 1, digest: d1 }, { ...r2, revision: 5 }, 'sha256:x', { allowSkip: true }, 'skip'],
  ] as const)('%s', (_, accepted, rel, digest, opts, kind) => {
    expect(classifyTransition(accepted, rel, digest, opts)).toBe(kind);
  });
  it.each([
    ['an older revision', { revision: 2, digest: d2 }, r1, d1, strict, 'ReplayError'],
    ['the same revision with new content', { revision: 1, digest: 'sha256:other' }, r1, d1, strict, 'ReplayError'],
    ['a broken previous', { revision: 1, digest: 'sha256:other' }, r2, d2, strict, 'BrokenChainError'],
    ['a gap', { revision: 1, digest: d1 }, { ...r2, revision: 3 }, d2, strict, 'RevisionGapError'],
    ['a new channel not at 1', undefined, r2, d2, { allowSkip: false, requireFirstRevision: true }, 'RevisionGapError'],
  ] as const)('refuses %s', (_, accepted, rel, digest, opts, code) => {
    expect(codeOf(() => classifyTransition(accepted, rel, digest, opts))).toBe(code);
  });
});

describe('expiry', () => {
  it('refuses an expired release and accepts one without expiry', () => {
    expect(codeOf(() => assertNotExpired({ ...r1, expiresAt: '2026-11-01T10:00:00Z' }, new Date('2026-11-01T10:00:00Z')))).toBe('ExpiredReleaseError');
    expect(codeOf(() => assertNotExpired({ ...r1, expiresAt: '2026-11-01T10:00:01Z' }, new Date('2026-11-01T10:00:00Z')))).toBeUndefined();
    expect(codeOf(() => assertNotExpired(r1, new Date('2099-01-01T00:00:00Z')))).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { STORE, release } from '../fixtures/channel-repos.js';
import { computeImpact } from './impact.js';
import { nextRelease, parseExpiry } from './publish.js';
import { releaseDigest } from './signing.js';
import { assertNotExpired, classifyTransition } from './transition.js';

const r1 = release(undefined, { '*': STORE.a });
const d1 = releaseDigest(r1);
const doc1 = { release: r1, signatures: [] };
const r2 = release(doc1, { '*': STORE.b });
const d2 = releaseDigest(r2);

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as { code: string }).code;
  }
  return undefined;
}

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
  it('parses durations and times', () => {
    const now = new Date('2026-11-21T10:00:00Z');
    expect(parseExpiry('90d', now).toISOString()).toBe('2027-02-19T10:00:00.000Z');
    expect(parseExpiry('12h', now).toISOString()).toBe('2026-11-21T22:00:00.000Z');
    expect(parseExpiry('2027-01-01T00:00:00Z', now).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(codeOf(() => parseExpiry('soon', now))).toBe('UsageError');
  });
});

describe('nextRelease', () => {
  it('chains to the current head and inherits substituters', () => {
    const r = nextRelease({ doc: doc1, digest: d1 }, { channel: 'prod', targets: { web01: STORE.web01 }, sourceRevision: 'a'.repeat(40), issuedAt: new Date('2026-11-21T10:00:00.123Z') });
    expect(r).toEqual({
      type: 'ogygia-release', spec: 1, channel: 'prod', revision: 2, previous: d1, issuedAt: '2026-11-21T10:00:00Z',
      source: { revision: 'a'.repeat(40) }, targets: { web01: { storePath: STORE.web01 } }, substituters: ['https://cache.example.com'],
    });
  });
  it('refuses no targets and an expiry before issue', () => {
    expect(codeOf(() => nextRelease(undefined, { channel: 'prod', targets: {}, sourceRevision: 'a'.repeat(40), issuedAt: new Date() }))).toBe('UsageError');
    expect(codeOf(() => nextRelease(undefined, { channel: 'prod', targets: { '*': STORE.a }, sourceRevision: 'a'.repeat(40), issuedAt: new Date(10), expiresAt: new Date(5) }))).toBe('UsageError');
  });
});

describe('computeImpact', () => {
  it('lists per host and * what changes', () => {
    const before = release(undefined, { '*': STORE.a, web01: STORE.web01 });
    const after = release(undefined, { '*': STORE.b, db01: STORE.c });
    expect(computeImpact(before, after).hosts).toEqual([
      { host: 'db01', before: STORE.a, after: STORE.c, change: 'changed' },
      { host: 'web01', before: STORE.web01, after: STORE.b, change: 'changed' },
      { host: '*', before: STORE.a, after: STORE.b, change: 'changed' },
    ]);
    expect(computeImpact(after, after).hosts.every((h) => h.change === 'unchanged')).toBe(true);
    expect(computeImpact(undefined, after).hosts.map((h) => h.change)).toEqual(['added', 'added']);
    expect(computeImpact(release(undefined, { web01: STORE.a }), release(undefined, { db01: STORE.a })).hosts.map((h) => h.change)).toEqual(['added', 'removed']);
  });
});

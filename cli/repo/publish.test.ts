import { describe, expect, it } from 'vitest';
import { codeOf } from '../../testkit/error-code.js';
import { ReleaseChain } from '../../testkit/release-chain.js';
import { storePath } from '../../testkit/store-paths.js';
import { nextRelease, parseExpiry } from './publish.js';

const A = storePath('a');
const WEB01 = storePath('web01');
const { doc: doc1, digest: d1 } = new ReleaseChain('prod', []).next({ targets: { '*': A }, substituters: ['https://cache.example.com'] });

describe('nextRelease', () => {
  it('chains to the current head and inherits substituters', () => {
    const r = nextRelease({ doc: doc1, digest: d1 }, { channel: 'prod', targets: { web01: WEB01 }, sourceRevision: 'a'.repeat(40), issuedAt: new Date('2026-11-21T10:00:00.123Z') });
    expect(r).toEqual({
      type: 'ogygia-release', spec: 1, channel: 'prod', revision: 2, previous: d1, issuedAt: '2026-11-21T10:00:00Z',
      source: { revision: 'a'.repeat(40) }, targets: { web01: { storePath: WEB01 } }, substituters: ['https://cache.example.com'],
    });
  });
  it('refuses no targets and an expiry before issue', () => {
    expect(codeOf(() => nextRelease(undefined, { channel: 'prod', targets: {}, sourceRevision: 'a'.repeat(40), issuedAt: new Date() }))).toBe('UsageError');
    expect(codeOf(() => nextRelease(undefined, { channel: 'prod', targets: { '*': A }, sourceRevision: 'a'.repeat(40), issuedAt: new Date(10), expiresAt: new Date(5) }))).toBe('UsageError');
  });
});

describe('parseExpiry', () => {
  it('parses durations and times', () => {
    const now = new Date('2026-11-21T10:00:00Z');
    expect(parseExpiry('90d', now).toISOString()).toBe('2027-02-19T10:00:00.000Z');
    expect(parseExpiry('12h', now).toISOString()).toBe('2026-11-21T22:00:00.000Z');
    expect(parseExpiry('2027-01-01T00:00:00Z', now).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(codeOf(() => parseExpiry('soon', now))).toBe('UsageError');
  });
});

import { describe, expect, it } from 'vitest';
import { parseChannelDocument } from '../core/release.js';
import { releaseDigest } from '../core/signing.js';
import { checkSignatures } from '../core/trust.js';
import { judgeSignatures } from '../core/verify/signatures.js';
import { codeOf } from './error-code.js';
import { testKey } from './keys.js';
import { approve, ISSUED_AT, ReleaseChain, releaseAfter, signed, SOURCE_REV, tamper } from './release-chain.js';
import { storePath } from './store-paths.js';

const ops1 = testKey('test-only-ops-1');
const ops2 = testKey('test-only-ops-2');
const intruder = testKey('test-only-intruder');
const both = { keys: [ops1.publicKey, ops2.publicKey], threshold: 2 };
const one = { ...both, threshold: 1 };

describe('ReleaseChain', () => {
  const chain = new ReleaseChain('prod', [ops1]);
  const r1 = chain.next();
  const r2 = chain.next({ targets: { '*': storePath('a'), web01: storePath('b') }, substituters: ['https://cache.example.com'] });

  it('builds revision 1, then revision + 1 chained to the previous digest, as `ogygia publish` does', () => {
    expect(r1.doc.release).toMatchObject({ channel: 'prod', revision: 1, previous: null, issuedAt: ISSUED_AT.toISOString().replace('.000', ''), source: { revision: SOURCE_REV } });
    expect(r2.doc.release).toMatchObject({ revision: 2, previous: r1.digest, targets: { web01: { storePath: storePath('b') } } });
    expect(chain.head).toBe(r2);
    expect(r2.digest).toBe(releaseDigest(r2.doc.release));
  });

  it('writes a channel file that parses back to the same document, signed by its signers', () => {
    expect(parseChannelDocument(r2.text, { fileChannel: 'prod' })).toEqual(r2.doc);
    expect(judgeSignatures(r2.doc, one).signers).toEqual(['test-only-ops-1']);
  });

  it('targets a new store path per revision by default, the same for the same channel and revision', () => {
    const again = new ReleaseChain('prod', [ops2]);
    expect(again.next().doc.release.targets).toEqual(r1.doc.release.targets);
    expect(again.next().doc.release.targets).not.toEqual(r1.doc.release.targets);
  });

  it('forks from any release: a rival revision 2 signed by an intruder', () => {
    const rival = new ReleaseChain('prod', [intruder], r1).next({ targets: { '*': storePath('evil') } });
    expect(rival.doc.release).toMatchObject({ revision: 2, previous: r1.digest });
    expect(checkSignatures(rival.doc, one).problems.map((p) => p.code)).toEqual(['UnknownKeyError']);
  });
});

describe('approve and tamper', () => {
  const r1 = signed(releaseAfter(undefined, 'prod'), ops1);

  it('an approval adds a signature to the same release: same digest, the threshold of two is met', () => {
    expect(judgeSignatures(r1.doc, both).problems[0]?.code).toBe('ThresholdNotMetError');
    const approved = approve(r1, ops2);
    expect(approved.digest).toBe(r1.digest);
    expect(approved.doc.signatures).toHaveLength(2);
    expect(judgeSignatures(approved.doc, both).problems[0]?.code).toBeUndefined();
  });

  it('a tampered copy keeps the signatures of the original, which no longer verify', () => {
    const bad = tamper(r1);
    expect(bad.digest).not.toBe(r1.digest);
    expect(bad.doc.signatures).toEqual(r1.doc.signatures);
    expect(checkSignatures(bad.doc, one).problems.map((p) => p.code)).toEqual(['BadSignatureError']);
    const moved = tamper(r1, (r) => ({ ...r, revision: 7 }));
    expect(moved.doc.release.revision).toBe(7);
    expect(checkSignatures(moved.doc, one).problems.map((p) => p.code)).toEqual(['BadSignatureError']);
  });
});

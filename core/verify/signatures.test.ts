import { describe, expect, it } from 'vitest';
import type { Release } from '../release.js';
import { signRelease } from '../signing.js';
import { testKey } from '../../testkit/keys.js';
import { SOURCE_REV } from '../../testkit/release-chain.js';
import { storePath } from '../../testkit/store-paths.js';
import { judgeSignatures } from './signatures.js';

const k1 = testKey('test-only-ops-1');
const k2 = testKey('test-only-ops-2');
const stranger = testKey('test-only-intruder');
const r: Release = {
  type: 'ogygia-release',
  spec: 1,
  channel: 'prod',
  revision: 1,
  previous: null,
  issuedAt: '2026-01-01T00:00:00Z',
  source: { revision: SOURCE_REV },
  targets: { '*': { storePath: storePath('a') } },
};
const forged = { key: k1.name, sig: signRelease(r, k2).sig };
const policy = (threshold: number) => ({ keys: [k1.publicKey, k2.publicKey], threshold });
const codes = (errors: readonly { code: string }[]) => errors.map((e) => e.code);

describe('judgeSignatures', () => {
  it.each([
    ['one good signature, threshold 1', [signRelease(r, k1)], 1, ['test-only-ops-1'], [], []],
    ['only an untrusted key', [signRelease(r, stranger)], 1, [], ['UnknownKeyError', 'ThresholdNotMetError'], []],
    ['no signature', [], 1, [], ['ThresholdNotMetError'], []],
    ['one good of two needed', [signRelease(r, k1)], 2, ['test-only-ops-1'], ['ThresholdNotMetError'], []],
    ['unknown then forged: the forged one first', [signRelease(r, stranger), forged], 1, [], ['BadSignatureError', 'UnknownKeyError', 'ThresholdNotMetError'], []],
    ['threshold met with an untrusted extra: a note, no refusal', [signRelease(r, stranger), signRelease(r, k2)], 1, ['test-only-ops-2'], [], ['UnknownKeyError']],
    ['threshold met with a forged extra', [signRelease(r, k2), forged], 1, ['test-only-ops-2'], [], ['BadSignatureError']],
  ] as const)('%s', (_, signatures, threshold, signers, problems, notes) => {
    const v = judgeSignatures({ release: r, signatures: [...signatures] }, policy(threshold));
    expect(v.signers).toEqual(signers);
    expect(codes(v.problems)).toEqual(problems);
    expect(codes(v.notes)).toEqual(notes);
  });

  it('ThresholdNotMetError carries the counted keys and the signatures that did not count', () => {
    const v = judgeSignatures({ release: r, signatures: [signRelease(r, k1), signRelease(r, stranger)] }, policy(2));
    expect(v.problems.at(-1)?.data).toMatchObject({ channel: 'prod', revision: 1, valid: ['test-only-ops-1'], threshold: 2, problems: [{ code: 'UnknownKeyError' }] });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NarInfo } from '../core/narinfo.js';
import { formatNarInfo, parseNarInfo } from '../core/narinfo.js';
import { storePathHash } from '../core/store-path.js';
import { packagePath } from '../testkit/store-paths.js';
import { closureNarInfos, joinNarInfos, splitNarInfos } from './closure.js';

const info = (path: string, references: string[]): NarInfo => ({
  storePath: path,
  url: `nar/${storePathHash(path)}.nar`,
  compression: 'none',
  narHash: 'sha256:' + '0'.repeat(52),
  narSize: 100,
  references,
  sigs: [],
});

// a -> b -> c, a -> c, c -> a (a cycle through self-references is harmless); d is held but not referenced.
const [a, b, c, d, gone] = ['a', 'b', 'c', 'd', 'gone'].map((n) => packagePath(n)) as [string, string, string, string, string];
const held = new Map([info(a, [b, c, a]), info(b, [c, gone]), info(c, [a]), info(d, [])].map((n) => [storePathHash(n.storePath), n]));
const lookup = (h: string) => held.get(h);

describe('closure batch', () => {
  it('lists the root and everything it references, breadth first, once each, leaving out what it does not hold', () => {
    expect(closureNarInfos(storePathHash(a), lookup).map((n) => n.storePath)).toEqual([a, b, c]);
    expect(closureNarInfos(storePathHash(c), lookup).map((n) => n.storePath)).toEqual([c, a, b]);
    expect(closureNarInfos(storePathHash(gone), lookup)).toEqual([]);
  });

  it('stops at the limit', () => {
    expect(closureNarInfos(storePathHash(a), lookup, 2).map((n) => n.storePath)).toEqual([a, b]);
  });

  it('joins and splits narinfo texts losslessly', () => {
    const texts = [a, b, c].map((p) => formatNarInfo(held.get(storePathHash(p))!));
    expect(splitNarInfos(joinNarInfos(texts))).toEqual(texts);
    expect(splitNarInfos('')).toEqual([]);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...texts), { maxLength: 6 }), (xs) => {
        const back = splitNarInfos(joinNarInfos(xs));
        expect(back).toEqual(xs);
        for (const t of back) expect(parseNarInfo(t).ok).toBe(true);
      }),
    );
  });
});

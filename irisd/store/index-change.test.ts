import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PathInfo } from '../../core/path-info.js';
import { storePathHash } from '../../core/store-path.js';
import { packagePath } from '../../testkit/store-paths.js';
import { applyChange, diffScan, pathInfoDigest } from './index-change.js';

const narHash = `sha256:${'1'.repeat(52)}`;
const info = (name: string, extra: Partial<PathInfo> = {}): PathInfo => ({ path: packagePath(name), narHash, narSize: 10, references: [], sigs: [], ...extra });
const byHash = (infos: readonly PathInfo[]): Map<string, PathInfo> => new Map(infos.map((i) => [storePathHash(i.path), i]));
const digests = (infos: readonly PathInfo[]): Map<string, string> => new Map(infos.map((i) => [storePathHash(i.path), pathInfoDigest(i)]));

/** The rule the digest stands for: the same narinfo, field by field. */
function samePathInfo(a: PathInfo, b: PathInfo): boolean {
  return (
    a.path === b.path &&
    a.narHash === b.narHash &&
    a.narSize === b.narSize &&
    a.deriver === b.deriver &&
    a.ca === b.ca &&
    a.references.length === b.references.length &&
    a.references.every((r, i) => r === b.references[i]) &&
    a.sigs.length === b.sigs.length &&
    a.sigs.every((x, i) => x === b.sigs[i])
  );
}

const pathInfo = fc
  .record({
    name: fc.constantFrom('a-1', 'b-1', 'c-1', 'd-1', 'e-1'),
    narHash: fc.constantFrom(narHash, `sha256:${'2'.repeat(52)}`),
    narSize: fc.constantFrom(1, 2),
    sigs: fc.constantFrom([], ['k-1:x'], ['k-1:x', 'k-2:y'], ['k-1:x k-2:y']),
    references: fc.constantFrom([], [packagePath('a-1')], [packagePath('a-1'), packagePath('b-1')]),
    deriver: fc.constantFrom(undefined, packagePath('a-1.drv')),
    ca: fc.constantFrom(undefined, `fixed:r:${narHash}`),
  })
  .map(({ name, deriver, ca, ...rest }) => info(name, { ...rest, ...(deriver ? { deriver } : {}), ...(ca ? { ca } : {}) }));

describe('diffScan', () => {
  it('names new and re-signed paths and the hashes of paths gone', () => {
    const a = info('a-1');
    const b = info('b-1');
    const c = info('c-1');
    const { change, digests: next } = diffScan(digests([a, b]), [{ ...a }, { ...b, sigs: ['k-1:sig'] }, c]);
    expect(change.upserted.map((i) => i.path)).toEqual([b.path, c.path]);
    expect(change.removed).toEqual([]);
    expect(diffScan(next, [c]).change).toEqual({ upserted: [], removed: [storePathHash(a.path), storePathHash(b.path)] });
    expect(diffScan(new Map(), [a]).change).toEqual({ upserted: [a], removed: [] });
  });

  it('applied to the index before, gives the index of what the scan found, and sends nothing unchanged (property)', () => {
    const scan = fc.uniqueArray(pathInfo, { selector: (i) => i.path, maxLength: 5 });
    fc.assert(
      fc.property(scan, scan, (before, after) => {
        const { change, digests: next } = diffScan(digests(before), after);
        expect(applyChange(byHash(before), change)).toEqual(byHash(after));
        expect(next).toEqual(digests(after));
        for (const i of after) {
          const old = byHash(before).get(storePathHash(i.path));
          expect(change.upserted.includes(i)).toBe(!(old && samePathInfo(old, i)));
        }
      }),
    );
  });
});

describe('pathInfoDigest', () => {
  it('is equal exactly when the narinfo would be (property)', () => {
    fc.assert(
      fc.property(pathInfo, pathInfo, (a, b) => {
        expect(pathInfoDigest(a) === pathInfoDigest(b)).toBe(samePathInfo(a, b));
      }),
    );
  });
  it('tells apart lists that join to the same text', () => {
    expect(pathInfoDigest(info('a-1', { sigs: ['k-1:x', 'k-2:y'] }))).not.toBe(pathInfoDigest(info('a-1', { sigs: ['k-1:x k-2:y'] })));
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PathInfo } from '../../core/path-info.js';
import { storePathHash } from '../../core/store-path.js';
import { packagePath } from '../../testkit/store-paths.js';
import { applyChange, diffScan, samePathInfo } from './index-change.js';

const narHash = `sha256:${'1'.repeat(52)}`;
const info = (name: string, extra: Partial<PathInfo> = {}): PathInfo => ({ path: packagePath(name), narHash, narSize: 10, references: [], sigs: [], ...extra });
const byHash = (infos: readonly PathInfo[]): Map<string, PathInfo> => new Map(infos.map((i) => [storePathHash(i.path), i]));

describe('diffScan', () => {
  it('names new and re-signed paths and the hashes of paths gone', () => {
    const a = info('a-1');
    const b = info('b-1');
    const c = info('c-1');
    const { change, byHash: next } = diffScan(byHash([a, b]), [{ ...a }, { ...b, sigs: ['k-1:sig'] }, c]);
    expect(change.upserted.map((i) => i.path)).toEqual([b.path, c.path]);
    expect(change.removed).toEqual([]);
    expect(diffScan(next, [c]).change).toEqual({ upserted: [], removed: [storePathHash(a.path), storePathHash(b.path)] });
    expect(diffScan(new Map(), [a]).change).toEqual({ upserted: [a], removed: [] });
  });

  it('applied to the map before, gives the map of what the scan found (property)', () => {
    const name = fc.constantFrom('a-1', 'b-1', 'c-1', 'd-1', 'e-1');
    const pathInfo = fc.record({
      name,
      narSize: fc.constantFrom(1, 2),
      sigs: fc.constantFrom([], ['k-1:x'], ['k-1:x', 'k-2:y']),
      references: fc.constantFrom([], [packagePath('a-1')]),
      ca: fc.constantFrom(undefined, `fixed:r:${narHash}`),
    }).map(({ name: n, ca, ...rest }) => info(n, { ...rest, ...(ca ? { ca } : {}) }));
    const scan = fc.uniqueArray(pathInfo, { selector: (i) => i.path, maxLength: 5 });
    fc.assert(
      fc.property(scan, scan, (before, after) => {
        const { change, byHash: next } = diffScan(byHash(before), after);
        expect(applyChange(byHash(before), change)).toEqual(byHash(after));
        expect(next).toEqual(byHash(after));
        // Nothing unchanged is sent again.
        for (const u of change.upserted) {
          const old = byHash(before).get(storePathHash(u.path));
          expect(old !== undefined && samePathInfo(old, u)).toBe(false);
        }
      }),
    );
  });
});

describe('samePathInfo', () => {
  it('compares every field a narinfo is made from', () => {
    const a = info('a-1', { references: [packagePath('b-1')], sigs: ['k:1'], deriver: packagePath('a-1.drv') });
    expect(samePathInfo(a, { ...a, references: [...a.references], sigs: [...a.sigs] })).toBe(true);
    expect(samePathInfo(a, { ...a, narHash: `sha256:${'2'.repeat(52)}` })).toBe(false);
    expect(samePathInfo(a, { ...a, narSize: 11 })).toBe(false);
    expect(samePathInfo(a, { ...a, references: [] })).toBe(false);
    expect(samePathInfo(a, { ...a, sigs: ['k:2'] })).toBe(false);
    expect(samePathInfo(a, { ...a, deriver: undefined })).toBe(false);
    expect(samePathInfo(a, { ...a, ca: 'text:x' })).toBe(false);
  });
});

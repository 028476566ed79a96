import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isStorePath, STORE_PATH, storePathHash } from '../core/store-path.js';
import { storePath } from './store-paths.js';

const label = fc.stringMatching(/^[A-Za-z0-9+._?=-]{1,40}$/);

describe('storePath', () => {
  it('is a well-formed store path of a system named after the label', () => {
    expect(storePath('a')).toMatch(STORE_PATH);
    expect(storePath('web01')).toMatch(/^\/nix\/store\/[0-9a-df-np-sv-z]{32}-nixos-system-web01$/);
  });

  it('is the same in every run and every process (no counter, no randomness)', () => {
    expect(storePath('a')).toBe('/nix/store/rabq24na3fywmyn266rrl8yw9nkqdvzq-nixos-system-a');
  });

  it('refuses a label that cannot be part of a store path name', () => {
    expect(() => storePath('a b')).toThrow();
    expect(() => storePath('../etc')).toThrow();
    expect(() => storePath('')).toThrow();
  });

  it('property: valid nix32 for any label, the same label always gives the same path, in any order', () => {
    fc.assert(
      fc.property(label, fc.array(label, { maxLength: 5 }), (l, others) => {
        const first = storePath(l);
        expect(isStorePath(first)).toBe(true);
        for (const o of others) storePath(o);
        expect(storePath(l)).toBe(first);
      }),
      { numRuns: 300 },
    );
  });

  it('property: different labels give different paths, and different hashes', () => {
    fc.assert(
      fc.property(label, label, (a, b) => {
        fc.pre(a !== b);
        expect(storePath(a)).not.toBe(storePath(b));
        expect(storePathHash(storePath(a))).not.toBe(storePathHash(storePath(b)));
      }),
      { numRuns: 300 },
    );
  });
});

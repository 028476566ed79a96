import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BOOT_FILES, rebootReasons, type BootSet } from './needed.js';

const K1 = '/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-linux-6.1.80/bzImage';
const K2 = '/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-linux-6.6.20/bzImage';
const I1 = '/nix/store/cccccccccccccccccccccccccccccccc-initrd-linux-6.1.80/initrd';
const I2 = '/nix/store/dddddddddddddddddddddddddddddddd-initrd-linux-6.1.80/initrd';
const M1 = '/nix/store/eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee-linux-6.1.80-modules';
const M2 = '/nix/store/ffffffffffffffffffffffffffffffff-linux-6.1.80-modules';
const A: BootSet = { kernel: K1, initrd: I1, 'kernel-modules': M1 };

describe('rebootReasons', () => {
  it.each([
    ['the same kernel, initrd and modules', A, A, []],
    ['a new kernel', A, { ...A, kernel: K2 }, ['kernel']],
    ['a new initrd only', A, { ...A, initrd: I2 }, ['initrd']],
    ['new modules only', A, { ...A, 'kernel-modules': M2 }, ['kernel-modules']],
    ['everything new', A, { kernel: K2, initrd: I2, 'kernel-modules': M2 }, ['kernel', 'initrd', 'kernel-modules']],
    ['a system without boot links (a container) on one without', { kernel: null, initrd: null, 'kernel-modules': null }, { kernel: null, initrd: null, 'kernel-modules': null }, []],
    ['a booted system without boot links (a container) tells nothing about a new one with a kernel', { kernel: null, initrd: null, 'kernel-modules': null }, A, []],
    ['a booted system without an initrd, a new one with', { ...A, initrd: null }, A, ['initrd']],
    ['a new system that loses its initrd', A, { ...A, initrd: null }, ['initrd']],
  ] as const)('%s: %o', (_name, booted, next, want) => {
    expect(rebootReasons(booted, next)).toEqual(want);
  });

  it('requires nothing when there is no booted system to compare with', () => {
    expect(rebootReasons(undefined, A)).toEqual([]);
  });

  const link = fc.option(fc.constantFrom(K1, K2, I1, I2, M1, M2), { nil: null });
  const set = fc.record({ kernel: link, initrd: link, 'kernel-modules': link });

  const linkless = (b: BootSet): boolean => BOOT_FILES.every((f) => b[f] === null);

  it('names exactly the links that differ, in kernel, initrd, kernel-modules order, when the booted system has any', () => {
    fc.assert(
      fc.property(set, set, (b, n) => {
        const r = rebootReasons(b, n);
        expect(r).toEqual(linkless(b) ? [] : BOOT_FILES.filter((f) => b[f] !== n[f]));
        if (!linkless(b)) expect(r.length === 0).toBe(BOOT_FILES.every((f) => b[f] === n[f]));
      }),
    );
  });

  it('is empty against itself, and symmetric between systems that both have boot links', () => {
    fc.assert(
      fc.property(set, set, (b, n) => {
        expect(rebootReasons(b, b)).toEqual([]);
        if (!linkless(b) && !linkless(n)) expect(rebootReasons(b, n)).toEqual(rebootReasons(n, b));
      }),
    );
  });
});

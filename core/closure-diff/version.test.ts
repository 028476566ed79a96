import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareVersions, parseNameVersion, sortVersions, storePathName } from './version.js';

const H = '/nix/store/0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a-';

describe('parseNameVersion (nvd: the name runs up to the first dash before a digit)', () => {
  it.each([
    ['openssl-3.0.12', 'openssl', '3.0.12'],
    ['openssl-3.0.12-bin', 'openssl', '3.0.12-bin'],
    ['linux-6.6.1', 'linux', '6.6.1'],
    ['linux-6.6.1-modules', 'linux', '6.6.1-modules'],
    ['initrd-linux-6.6.1', 'initrd-linux', '6.6.1'],
    ['python3-3.11.6', 'python3', '3.11.6'],
    ['python3.11-requests-2.31.0', 'python3.11-requests', '2.31.0'],
    ['nixos-system-web01-23.11.20231201.abc', 'nixos-system-web01', '23.11.20231201.abc'],
    ['etc', 'etc', ''],
    ['unit-sshd.service', 'unit-sshd.service', ''],
    ['system-units', 'system-units', ''],
    ['hello-2.12.drv', 'hello', '2.12'],
    ['-1', '-1', ''], // a name needs one character before the dash
    ['x-1', 'x', '1'],
  ])('%s → %s %s', (name, pname, version) => {
    expect(parseNameVersion(H + name)).toEqual({ name: pname, version });
    expect(parseNameVersion(name)).toEqual({ name: pname, version });
  });

  it('reads a file inside a store path by its store path', () => {
    expect(parseNameVersion(`${H}linux-6.6.2/bzImage`)).toEqual({ name: 'linux', version: '6.6.2' });
    expect(storePathName(`${H}initrd-linux-6.6.2/initrd`)).toBe('initrd-linux-6.6.2');
  });

  it('splits any name-without-a-dash-digit and version-starting-with-a-digit back apart', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9+._?=]{0,10}(-[a-z][a-z0-9+._?=]{0,6}){0,3}$/);
    const version = fc.stringMatching(/^[0-9][A-Za-z0-9+._?=-]{0,12}$/);
    fc.assert(
      fc.property(name, version, (n, v) => {
        expect(parseNameVersion(`${H}${n}-${v}`)).toEqual({ name: n, version: v });
        expect(parseNameVersion(`${H}${n}`)).toEqual({ name: n, version: '' });
      }),
    );
  });
});

describe('compareVersions (Nix order, as nvd)', () => {
  it.each([
    ['3.0.12', '3.0.13', -1],
    ['3.0.9', '3.0.12', -1],
    ['6.6.1', '6.6', 1],
    ['1.0', '1.0a', -1],
    ['1.0pre1', '1.0', -1],
    ['2.5', '2.5pre', 1],
    ['1.2.3', '1.2.3', 0],
    ['1.02', '1.2', 0],
    ['1a', '1b', -1],
    ['1.0', '1.a', 1], // a number is newer than text
    ['99999999999999999999', '100000000000000000000', -1],
  ])('%s vs %s → %i', (a, b, want) => {
    expect(Math.sign(compareVersions(a, b)) || 0).toBe(want);
    expect(Math.sign(compareVersions(b, a)) || 0).toBe(-want || 0);
  });

  it('is a total preorder on any versions', () => {
    const v = fc.stringMatching(/^[0-9a-z.+_-]{0,10}$/);
    fc.assert(
      fc.property(v, v, v, (a, b, c) => {
        expect(compareVersions(a, a)).toBe(0);
        expect(Math.sign(compareVersions(a, b)) || 0).toBe(-Math.sign(compareVersions(b, a)) || 0);
        if (compareVersions(a, b) <= 0 && compareVersions(b, c) <= 0) expect(compareVersions(a, c)).toBeLessThanOrEqual(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('sorts oldest first, the same whatever the input order', () => {
    expect(sortVersions(['3.0.13', '3.0.12-bin', '3.0.12', '2.9'])).toEqual(['2.9', '3.0.12', '3.0.12-bin', '3.0.13']);
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[0-9][0-9a-z.-]{0,6}$/), { maxLength: 8 }), (vs) => {
        expect(sortVersions([...vs].reverse())).toEqual(sortVersions(vs));
      }),
    );
  });
});

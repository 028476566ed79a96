import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchTarget, relateHosts, sameNamedKeys } from './host-identity.js';

describe('relateHosts', () => {
  it.each([
    ['web01', 'web01', 'same'],
    ['web01', 'WEB01', 'same'],
    [' Web01.Example.COM ', 'web01.example.com.', 'same'],
    ['web01', 'web01.example.com', 'looks-alike'],
    ['web01.example.com', 'web01', 'looks-alike'],
    ['web01.dc1', 'web01.dc1.example.com', 'looks-alike'],
    ['WEB01', 'web01.dc1.example.com', 'looks-alike'],
    ['web01.dc1', 'web01.dc2', 'different'],
    ['web01', 'web010', 'different'],
    ['web01', 'web010.example.com', 'different'],
    ['web', 'web01', 'different'],
    ['', 'web01', 'different'],
  ] as const)('%s vs %s: %s', (a, b, want) => {
    expect(relateHosts(a, b)).toBe(want);
  });

  it('is symmetric, and every name is the same as itself', () => {
    const label = fc.stringMatching(/^[a-zA-Z0-9-]{1,8}$/);
    const name = fc.array(label, { minLength: 1, maxLength: 4 }).map((l) => l.join('.'));
    fc.assert(
      fc.property(name, name, (a, b) => {
        expect(relateHosts(a, b)).toBe(relateHosts(b, a));
        expect(relateHosts(a, a.toUpperCase())).toBe('same');
      }),
    );
  });
});

describe('matchTarget', () => {
  it('prefers the same name, in any case', () => {
    expect(matchTarget(['*', 'WEB01'], 'web01')).toEqual({ kind: 'own', key: 'WEB01' });
    expect(matchTarget(['web01.example.com', 'web01'], 'web01')).toEqual({ kind: 'own', key: 'web01' });
  });

  it('never falls back to "*" when a target names the host another way', () => {
    expect(matchTarget(['*', 'web01'], 'web01.example.com')).toEqual({ kind: 'look-alike', keys: ['web01'] });
    expect(matchTarget(['*', 'web01.example.com'], 'web01')).toEqual({ kind: 'look-alike', keys: ['web01.example.com'] });
  });

  it('takes "*" for a host no target names, else nothing', () => {
    expect(matchTarget(['*', 'web010', 'web01.dc2'], 'web01.dc1')).toEqual({ kind: 'default' });
    expect(matchTarget(['db01'], 'web01')).toEqual({ kind: 'none' });
  });
});

describe('sameNamedKeys', () => {
  it('finds keys that differ only by case', () => {
    expect(sameNamedKeys(['*', 'web01', 'db01', 'WEB01'])).toEqual([['web01', 'WEB01']]);
    expect(sameNamedKeys(['*', 'web01', 'web01.example.com'])).toEqual([]);
  });
});

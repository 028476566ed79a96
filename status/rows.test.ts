import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trimDomain } from './domain.js';
import { buildRows } from './rows.js';
import { relateHosts } from '../core/host-identity.js';

const r = (c: string, b: string, n: string) => ({ current: c, booted: b, nextboot: n });

describe('trimDomain', () => {
  it('trims the configured domain, case-insensitively, only as a whole suffix', () => {
    expect(trimDomain('web01.example.com', 'example.com')).toBe('web01');
    expect(trimDomain('WEB01.Example.COM', '.example.com.')).toBe('WEB01');
    expect(trimDomain('web01.dc1.example.com', 'example.com')).toBe('web01.dc1');
    expect(trimDomain('web01.notexample.com', 'example.com')).toBe('web01.notexample.com');
    expect(trimDomain('example.com', 'example.com')).toBe('example.com');
    expect(trimDomain('web01', undefined)).toBe('web01');
    expect(trimDomain(' web01 ', '')).toBe('web01');
  });
  it('never makes a name longer and never empty', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9][a-z0-9.]{0,30}$/), fc.stringMatching(/^[a-z0-9.]{0,15}$/), (h, d) => {
        const t = trimDomain(h, d);
        expect(t.length).toBeLessThanOrEqual(h.length);
        expect(t.length).toBeGreaterThan(0);
        expect(h.startsWith(t)).toBe(true);
      }),
    );
  });
});

describe('the local row uses the host identity rule', () => {
  it('matches names case-insensitively and a short name with its FQDN', () => {
    const isMine = (a: string, b: string): boolean => relateHosts(a, b) !== 'different';
    expect(isMine('web01', 'WEB01')).toBe(true);
    expect(isMine('web01', 'web01.dc1.example.com')).toBe(true);
    expect(isMine('web01.dc1.example.com', 'web01')).toBe(true);
    expect(isMine('web01.dc1', 'web01.dc2')).toBe(false);
    expect(isMine('web01', 'web010')).toBe(false);
  });
});

describe('buildRows', () => {
  it('shows the local row from the filesystem even when the store holds something older', () => {
    const rows = buildRows({
      localHost: 'web01',
      localRevisions: r('new000000000aaaa', 'unknown', 'new000000000'),
      fleet: [{ host: 'web01', current: 'old', booted: 'old', nextboot: 'old', detail: { channel: 'prod', state: 'pending' } }],
    });
    expect(rows).toEqual([
      { host: 'web01', name: 'web01', label: '* web01 (local)', local: true, current: 'new000000000', booted: 'unknown', nextboot: 'new000000000', channel: 'prod', state: 'pending' },
    ]);
  });
  it('has no marker in local-only mode, and the marker in fleet mode even with an empty fleet', () => {
    expect(buildRows({ localHost: 'h', localRevisions: r('a', 'b', 'c') })[0]!.label).toBe('h');
    expect(buildRows({ localHost: 'h', localRevisions: r('a', 'b', 'c'), fleet: [] })[0]!.label).toBe('* h (local)');
  });
  it('sorts the other hosts by shown name, cuts revisions to 12 and fills unknown', () => {
    const rows = buildRows({
      localHost: 'm',
      localRevisions: r('a', 'b', 'c'),
      fleet: [{ host: 'Zed' }, { host: 'alpha', current: '0123456789abcdef' }, { host: 'beta', current: '  ' }],
    });
    expect(rows.map((x) => [x.label, x.current, x.nextboot])).toEqual([
      ['* m (local)', 'a', 'c'],
      ['alpha', '0123456789ab', 'unknown'],
      ['beta', 'unknown', 'unknown'],
      ['Zed', 'unknown', 'unknown'],
    ]);
  });
  it('always has exactly one local row, first', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{1,6}$/), fc.array(fc.record({ host: fc.stringMatching(/^[a-z]{1,6}$/) })), (local, fleet) => {
        const rows = buildRows({ localHost: local, localRevisions: r('a', 'b', 'c'), fleet });
        expect(rows[0]!.local).toBe(true);
        expect(rows.filter((x) => x.local)).toHaveLength(1);
        expect(rows.length).toBe(1 + fleet.filter((e) => relateHosts(e.host, local) === 'different').length);
      }),
    );
  });
});

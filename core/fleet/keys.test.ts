import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fleetDetail, revs } from '../../testkit/fleet-samples.js';
import { entriesFromListing, entriesFromValues, hostKey, normalizeNamespace, publishValues, splitHostKey } from './keys.js';

const detail = fleetDetail();

describe('fleet keys', () => {
  it('normalizes namespaces', () => {
    expect(normalizeNamespace('/nixos/versions/')).toBe('/nixos/versions');
    expect(normalizeNamespace('/nixos/versions')).toBe('/nixos/versions');
    expect(normalizeNamespace('nixos')).toBe('/nixos');
    expect(normalizeNamespace('/')).toBe('');
  });
  it('builds and splits host keys', () => {
    expect(hostKey('/nixos/versions/', 'web01', 'nextboot')).toBe('/nixos/versions/web01/nextboot');
    expect(splitHostKey('/nixos/versions', '/nixos/versions/web01/current')).toEqual(['web01', 'current']);
    expect(splitHostKey('/nixos/versions', '/nixos/versionsX/web01/current')).toBeUndefined();
    expect(splitHostKey('/nixos/versions', '/nixos/versions/web01')).toBeUndefined();
    expect(splitHostKey('/nixos/versions', '/nixos/versions/web01/a/b')).toBeUndefined();
    expect(splitHostKey('/', '/web01/current')).toEqual(['web01', 'current']);
  });
  it('writes the agent detail only when given', () => {
    expect(publishValues(revs('a', 'b', 'c'))).toEqual([['current', 'a'], ['booted', 'b'], ['nextboot', 'c']]);
    expect(publishValues(revs('a', 'b', 'c'), detail)[3]).toEqual(['agent', JSON.stringify(detail)]);
  });
  it('folds values into sorted entries, ignoring unknown keys and agent JSON off the fleet detail schema', () => {
    expect(
      entriesFromValues([
        ['b', 'current', '1'],
        ['a', 'booted', '2'],
        ['a', 'agent', '[1]'],
        ['b', 'agent', JSON.stringify(detail)],
        ['b', 'weird', 'x'],
        ['c', 'current', undefined],
        ['c', 'agent', '{"channel":"prod","state":"in-sync"}'],
        ['d', 'agent', JSON.stringify({ ...detail, lastSeen: '2026-11-21T10:00:00Z' })],
      ]),
    ).toEqual([{ host: 'a', booted: '2' }, { host: 'b', current: '1', agent: detail }, { host: 'c' }, { host: 'd' }]);
  });
  it('splits a key after the prefix only into exactly two non-empty segments', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', '/', '.'), maxLength: 8 }), (rest) => {
        const parts = rest.split('/');
        const expected = parts.length === 2 && parts[0] && parts[1] ? [parts[0], parts[1]] : undefined;
        expect(splitHostKey('/ns', `/ns/${rest}`)).toEqual(expected);
        expect(splitHostKey('/ns', `/nsx/${rest}`)).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });
  it('folds a listing of full keys as it folds the keys splitHostKey accepts, in any order', () => {
    const segment = fc.constantFrom('web01', 'WEB01', 'db01.dc1', 'a', '', 'current', 'booted', 'nextboot', 'agent', 'weird');
    const key = fc.oneof(
      fc.tuple(fc.constantFrom('/ns/', '/nsx/', '/'), segment, fc.constantFrom('/', '//', ''), segment).map((p) => p.join('')),
      fc.tuple(fc.constantFrom('web01', 'db01.dc1'), fc.constantFrom('current', 'booted', 'nextboot', 'agent')).map(([h, k]) => hostKey('/ns', h, k)),
    );
    const value = fc.oneof(fc.string({ maxLength: 6 }), fc.constant(JSON.stringify(detail)));
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { maxLength: 25 }), (kvs) => {
        const triples = kvs.flatMap(([k, v]) => {
          const hk = splitHostKey('/ns', k);
          return hk ? [[hk[0], hk[1], v] as const] : [];
        });
        expect(entriesFromListing('/ns/', kvs)).toEqual(entriesFromValues(triples));
        const sorted = [...kvs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        expect(entriesFromListing('/ns', sorted)).toEqual(entriesFromValues(triples));
      }),
      { numRuns: 2000 },
    );
  });
  it('round-trips any host key', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,20}$/), fc.constantFrom('current', 'booted', 'nextboot', 'agent' as const), (host, key) => {
        expect(splitHostKey('/ns', hostKey('/ns/', host, key))).toEqual([host, key]);
      }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { releaseAfter } from '../../testkit/release-chain.js';
import { storePath } from '../../testkit/store-paths.js';
import { computeImpact, transitionGroups } from './transitions.js';

const STORE = { a: storePath('a'), b: storePath('b'), c: storePath('c'), web01: storePath('web01') };
const release = (_prev: undefined, targets: Record<string, string>) => releaseAfter(undefined, 'prod', { targets });

describe('computeImpact', () => {
  it('lists per host and * what changes', () => {
    const before = release(undefined, { '*': STORE.a, web01: STORE.web01 });
    const after = release(undefined, { '*': STORE.b, db01: STORE.c });
    expect(computeImpact(before, after).hosts).toEqual([
      { host: 'db01', before: STORE.a, after: STORE.c, change: 'changed' },
      { host: 'web01', before: STORE.web01, after: STORE.b, change: 'changed' },
      { host: '*', before: STORE.a, after: STORE.b, change: 'changed' },
    ]);
    expect(computeImpact(after, after).hosts.every((h) => h.change === 'unchanged')).toBe(true);
    expect(computeImpact(undefined, after).hosts.map((h) => h.change)).toEqual(['added', 'added']);
    expect(computeImpact(release(undefined, { web01: STORE.a }), release(undefined, { db01: STORE.a })).hosts.map((h) => h.change)).toEqual(['added', 'removed']);
  });
});

describe('transitionGroups', () => {
  it('puts hosts with the same before and after in one group, * last, and lists the unchanged apart', () => {
    const before = release(undefined, { '*': STORE.a, web01: STORE.web01, db01: STORE.c });
    const after = release(undefined, { '*': STORE.b, web01: STORE.b, db01: STORE.c, web02: STORE.a });
    expect(transitionGroups(computeImpact(before, after))).toEqual({
      groups: [
        { hosts: ['web01'], fromPath: STORE.web01, toPath: STORE.b },
        { hosts: ['*'], fromPath: STORE.a, toPath: STORE.b },
      ],
      unchanged: ['db01', 'web02'],
    });
    const grouped = transitionGroups(computeImpact(release(undefined, { '*': STORE.a, web01: STORE.a }), release(undefined, { '*': STORE.b, web01: STORE.b })));
    expect(grouped.groups).toEqual([{ hosts: ['web01', '*'], fromPath: STORE.a, toPath: STORE.b }]);
    // A new channel: every target is new; a host no longer targeted has no path after.
    expect(transitionGroups(computeImpact(undefined, release(undefined, { '*': STORE.a }))).groups).toEqual([{ hosts: ['*'], fromPath: null, toPath: STORE.a }]);
    expect(transitionGroups(computeImpact(release(undefined, { web01: STORE.a }), release(undefined, { db01: STORE.a }))).groups).toEqual([
      { hosts: ['db01'], fromPath: null, toPath: STORE.a },
      { hosts: ['web01'], fromPath: STORE.a, toPath: null },
    ]);
  });
});

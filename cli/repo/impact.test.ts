import { describe, expect, it } from 'vitest';
import { STORE, release } from '../../fixtures/channel-repos.js';
import { computeImpact } from './impact.js';

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

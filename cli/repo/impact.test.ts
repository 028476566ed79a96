import { describe, expect, it } from 'vitest';
import { releaseAfter } from '../../testkit/release-chain.js';
import { storePath } from '../../testkit/store-paths.js';
import { computeImpact } from './impact.js';

const A = storePath('a');
const B = storePath('b');
const C = storePath('c');
const WEB01 = storePath('web01');
const release = (targets: Record<string, string>) => releaseAfter(undefined, 'prod', { targets });

describe('computeImpact', () => {
  it('lists per host and * what changes', () => {
    const before = release({ '*': A, web01: WEB01 });
    const after = release({ '*': B, db01: C });
    expect(computeImpact(before, after).hosts).toEqual([
      { host: 'db01', before: A, after: C, change: 'changed' },
      { host: 'web01', before: WEB01, after: B, change: 'changed' },
      { host: '*', before: A, after: B, change: 'changed' },
    ]);
    expect(computeImpact(after, after).hosts.every((h) => h.change === 'unchanged')).toBe(true);
    expect(computeImpact(undefined, after).hosts.map((h) => h.change)).toEqual(['added', 'added']);
    expect(computeImpact(release({ web01: A }), release({ db01: A })).hosts.map((h) => h.change)).toEqual(['added', 'removed']);
  });
});

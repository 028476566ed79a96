import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildFilter, mayContain } from './filter.js';
import { decodeFilter, encodeFilter } from './wire.js';

const hashArb = fc.string({ unit: fc.constantFrom(...'0123456789abcdfghijklmnpqrsvwxyz'), minLength: 32, maxLength: 32 });

describe('bloom filter wire format', () => {
  for (const hashing of ['nixhash', 'xxh64'] as const) {
    it(`has no false negatives after a round trip (${hashing})`, () => {
      fc.assert(
        fc.property(fc.uniqueArray(hashArb, { maxLength: 200 }), (hashes) => {
          const enc = encodeFilter({ filter: buildFilter(hashes, 0.01, hashing), count: hashes.length, falsePositiveRate: 0.01, hashing });
          const dec = decodeFilter(enc.body.toString());
          if (!dec.ok) throw new Error(dec.error);
          for (const h of hashes) expect(mayContain(dec.value.filter, h)).toBe(true);
        }),
        { numRuns: 30 },
      );
    });
  }

  it('keeps near the configured false-positive rate', () => {
    const rnd = (i: number) => {
      const b = createHash('sha256').update(String(i)).digest();
      return [...b.subarray(0, 32)].map((x) => '0123456789abcdfghijklmnpqrsvwxyz'[x & 31]).join('');
    };
    const inside = Array.from({ length: 5000 }, (_, i) => rnd(i));
    const f = buildFilter(inside, 0.01);
    const set = new Set(inside);
    const outside = Array.from({ length: 20000 }, (_, i) => rnd(i + 100000)).filter((h) => !set.has(h));
    expect(outside.length).toBeGreaterThan(19000);
    const fp = outside.filter((h) => mayContain(f, h)).length / outside.length;
    expect(fp).toBeLessThan(0.03);
  });

  it('gives the same ETag for the same filter and refuses other versions', () => {
    const a = encodeFilter({ filter: buildFilter(['0'.repeat(32)], 0.01), count: 1, falsePositiveRate: 0.01, hashing: 'nixhash' });
    const b = encodeFilter({ filter: buildFilter(['0'.repeat(32)], 0.01), count: 1, falsePositiveRate: 0.01, hashing: 'nixhash' });
    expect(a.etag).toBe(b.etag);
    const j = JSON.parse(a.body.toString()) as Record<string, unknown>;
    expect(decodeFilter(JSON.stringify({ ...j, version: 2 }))).toMatchObject({ ok: false });
    expect(decodeFilter('{')).toMatchObject({ ok: false });
  });
});

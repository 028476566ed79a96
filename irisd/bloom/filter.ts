import bf from 'bloom-filters';
import { STORE_HASH } from '../../core/store-path.js';

const { BloomFilter, Hashing } = bf;
export type Bloom = InstanceType<typeof BloomFilter>;

/**
 * How element hashes are derived. `xxh64` is the package's own (xxhashjs,
 * pure JS, two 64-bit hashes per element: ~1.4 s per 100,000 paths here).
 * `nixhash` reads the two base hashes straight from the 32 characters of the store path hash,
 * which is already the output of a cryptographic hash: its 32 nix32 characters
 * folded to 40 bits each, fed to the package's own enhanced double hashing. Same
 * bit array, sizing and export as the package; ~20x faster to build and query.
 */
export type HashingScheme = 'xxh64' | 'nixhash';

const NIX32 = '0123456789abcdfghijklmnpqrsvwxyz';
const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < NIX32.length; i++) DIGIT[NIX32.charCodeAt(i)] = i;

const TWO40 = 2 ** 40;

function bits40(s: string, from: number): number {
  let v = 0;
  for (let i = from; i < from + 8; i++) v = v * 32 + DIGIT[s.charCodeAt(i)]!;
  return v;
}

class NixHashHashing extends Hashing {
  override hashTwice(value: unknown, seed?: number): { first: number; second: number } {
    if (typeof value === 'string' && STORE_HASH.test(value)) {
      // `second` must not be 0 mod size for the double hashing to spread; OR-ing 1 keeps it odd.
      // All 32 characters (160 bits) count: two sums of 40-bit words, modulo 2^40.
      const first = (bits40(value, 0) + bits40(value, 16)) % TWO40;
      const second = (bits40(value, 8) + bits40(value, 24)) % TWO40;
      return { first, second: second * 2 + 1 };
    }
    return super.hashTwice(value as string, seed);
  }
}

function useScheme(f: Bloom, scheme: HashingScheme): Bloom {
  if (scheme === 'nixhash') (f as unknown as { _hashing: InstanceType<typeof Hashing> })._hashing = new NixHashHashing();
  return f;
}

/** Build a filter over store path hashes at the given false-positive rate (sized for at least one element). */
export function buildFilter(hashes: readonly string[], falsePositiveRate: number, scheme: HashingScheme = 'nixhash'): Bloom {
  const f = useScheme(BloomFilter.create(Math.max(1, hashes.length), falsePositiveRate), scheme);
  for (const h of hashes) f.add(h);
  return f;
}

export function mayContain(f: Bloom, hash: string): boolean {
  return f.has(hash);
}

/** The package's JSON export of the bit array, size, hash count and seed. */
export function exportFilter(f: Bloom): unknown {
  return f.saveAsJSON();
}

/** Rebuild a filter from the package's JSON export (throws on a malformed export). */
export function importFilter(json: unknown, scheme: HashingScheme): Bloom {
  return useScheme(BloomFilter.fromJSON(json as Parameters<typeof BloomFilter.fromJSON>[0]), scheme);
}

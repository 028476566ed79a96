// Index build time for 100,000 store paths: the bloom-filters package with its
// own xxh64 hashing vs the `nixhash` scheme irisd uses (same package, same bit
// array and export; element hashes read from the store hash), and the two steps
// a first scan runs besides the filter: the worker's digest per path and
// comparison with the (empty) index (diffScan), and the main thread's new map
// (applyChange).
// Run: node --import tsx bench/irisd-index.ts
import { randomBytes } from 'node:crypto';
import { buildFilter, mayContain } from '../irisd/bloom/filter.js';
import { encodeFilter } from '../irisd/bloom/wire.js';
import { applyChange, diffScan } from '../irisd/store/index-change.js';
import type { PathInfo } from '../core/path-info.js';
import { envNumber, QUICK } from './lib/quick.js';

const N = envNumber('N', 100_000, 5_000);
const A = '0123456789abcdfghijklmnpqrsvwxyz';
const hash = (): string => [...randomBytes(32)].map((b) => A[b & 31]).join('');
// Synthetic store path hashes (a real store with 100,000 paths takes far too long to populate here).
const infos: PathInfo[] = Array.from({ length: N }, () => ({ path: `/nix/store/${hash()}-p`, narHash: 'sha256:' + '0'.repeat(52), narSize: 1, references: [], sigs: [] }));
const probes = Array.from({ length: QUICK ? 5_000 : 50_000 }, hash);

function time<T>(fn: () => T): [T, number] {
  const t = performance.now();
  const r = fn();
  return [r, performance.now() - t];
}

const [{ change, digests }, diffMs] = time(() => diffScan(new Map(), infos));
const [, applyMs] = time(() => applyChange(new Map(), change));
const hashes = [...digests.keys()];
const res: Record<string, { build: number; has: number; export: number; bytes: number }> = {};
for (const scheme of ['xxh64', 'nixhash'] as const) {
  const [f, build] = time(() => buildFilter(hashes, 0.01, scheme));
  const [, hasMs] = time(() => probes.filter((p) => mayContain(f, p)).length);
  const [enc, exp] = time(() => encodeFilter({ filter: f, count: N, falsePositiveRate: 0.01, hashing: scheme }));
  res[scheme] = { build, has: probes.length / (hasMs / 1000), export: exp, bytes: enc.body.length };
}
const x = res.xxh64!;
const n = res.nixhash!;
console.log(`index of ${N} paths: digests and diff (worker) ${diffMs.toFixed(0)} ms, new map (main thread) ${applyMs.toFixed(0)} ms`);
console.log(`bloom-filters xxh64   build ${x.build.toFixed(0)} ms, has() ${Math.round(x.has)}/s, export ${x.export.toFixed(0)} ms, ${x.bytes} bytes`);
console.log(`bloom-filters nixhash build ${n.build.toFixed(0)} ms, has() ${Math.round(n.has)}/s, export ${n.export.toFixed(0)} ms, ${n.bytes} bytes`);
console.log(`ratio build xxh64/nixhash: ${(x.build / n.build).toFixed(1)}x; has() nixhash/xxh64: ${(n.has / x.has).toFixed(1)}x`);
console.log(`first scan after nix (diff + nixhash filter + export on the worker, then the map on the main thread) total: ${(diffMs + n.build + n.export + applyMs).toFixed(0)} ms`);

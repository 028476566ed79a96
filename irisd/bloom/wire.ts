import { createHash } from 'node:crypto';
import { type Bloom, type HashingScheme, exportFilter, importFilter } from './filter.js';

/**
 * The filter as served at /iris/v1/filter: JSON, versioned, so peers running
 * other irisd versions refuse what they cannot read instead of misreading it.
 *
 *   { "format": "ogygia-iris-bloom", "version": 1, "hashing": "nixhash" | "xxh64",
 *     "library": "bloom-filters@3", "count": N, "false_positive_rate": 0.01,
 *     "filter": <BloomFilter.saveAsJSON()> }
 */
export const WIRE_FORMAT = 'ogygia-iris-bloom';
export const WIRE_VERSION = 1;
export const MEDIA_TYPE = 'application/vnd.ogygia.iris-bloom.v1+json';

export interface FilterSnapshot {
  readonly filter: Bloom;
  readonly count: number;
  readonly falsePositiveRate: number;
  readonly hashing: HashingScheme;
}

export interface EncodedFilter {
  readonly body: Buffer;
  readonly etag: string; // quoted, as sent in the ETag header
}

/** Encode a filter; the ETag is the SHA-256 of the body, so an unchanged filter keeps its ETag across restarts. */
export function encodeFilter(s: FilterSnapshot): EncodedFilter {
  const body = Buffer.from(
    JSON.stringify({
      format: WIRE_FORMAT,
      version: WIRE_VERSION,
      hashing: s.hashing,
      library: 'bloom-filters@3',
      count: s.count,
      false_positive_rate: s.falsePositiveRate,
      filter: exportFilter(s.filter),
    }),
  );
  return { body, etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"` };
}

export type DecodeResult = { readonly ok: true; readonly value: FilterSnapshot } | { readonly ok: false; readonly error: string };

/** Decode a peer's filter; anything but a version-1 filter of a known hashing scheme is refused. */
export function decodeFilter(body: string): DecodeResult {
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  if (typeof j !== 'object' || j === null || j.format !== WIRE_FORMAT) return { ok: false, error: 'not an ogygia-iris-bloom filter' };
  if (j.version !== WIRE_VERSION) return { ok: false, error: `filter version ${String(j.version)} is not supported (this irisd reads version ${WIRE_VERSION})` };
  if (j.hashing !== 'nixhash' && j.hashing !== 'xxh64') return { ok: false, error: `unknown hashing scheme ${String(j.hashing)}` };
  if (typeof j.count !== 'number' || typeof j.false_positive_rate !== 'number') return { ok: false, error: 'count or false_positive_rate missing' };
  try {
    const filter = importFilter(j.filter, j.hashing);
    return { ok: true, value: { filter, count: j.count, falsePositiveRate: j.false_positive_rate, hashing: j.hashing } };
  } catch (e) {
    return { ok: false, error: `filter body is malformed: ${(e as Error).message}` };
  }
}

import canonicalizeImpl from 'canonicalize';

/**
 * RFC 8785 (JCS) canonical JSON: sorted keys, no whitespace, ECMAScript number
 * and string serialisation. The same value always yields the same bytes,
 * whatever order its keys were written in.
 */
export function canonicalJson(value: unknown): string {
  const out = (canonicalizeImpl as unknown as (v: unknown) => string | undefined)(value);
  if (out === undefined) throw new TypeError('canonicalJson: value has no JSON form');
  return out;
}

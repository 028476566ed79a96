import canonicalizeImpl from 'canonicalize';
import { InternalError } from './errors/index.js';

/**
 * RFC 8785 (JCS) canonical JSON: sorted keys, no whitespace, ECMAScript number
 * and string serialisation. The same value always yields the same bytes,
 * whatever order its keys were written in.
 */
export function canonicalJson(value: unknown): string {
  const out = (canonicalizeImpl as unknown as (v: unknown) => string | undefined)(value);
  // Every caller passes a parsed JSON value: one without a JSON form is a bug.
  if (out === undefined) throw new InternalError({ where: 'canonicalJson', cause: 'the value has no JSON form' });
  return out;
}

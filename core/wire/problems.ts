import type { z } from 'zod';

/**
 * Pure: why a body is not what a wire schema accepts, as `path: message`
 * lines (an unknown field as `path.field: unknown field`), each without
 * control characters and at most 200 characters: field names come from the
 * body, and the lines end up on a terminal or in a log.
 */
export function wireProblems(error: z.ZodError): string[] {
  const at = (path: readonly PropertyKey[]): string => path.map(String).join('.') || '(body)';
  const clean = (s: string): string => s.replace(/\p{Cc}/gu, '?').slice(0, 200);
  return error.issues
    .flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys.map((k) => `${at([...i.path, k])}: unknown field`) : [`${at(i.path)}: ${i.message}`]))
    .map(clean);
}

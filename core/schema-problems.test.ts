import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { schemaProblems } from './schema-problems.js';

describe('schemaProblems', () => {
  const schema = z.object({ a: z.number(), b: z.number(), c: z.object({ d: z.string() }), e: z.number(), f: z.number() });
  const problems = (v: unknown) => {
    const r = schema.safeParse(v);
    if (r.success) throw new Error('expected a failure');
    return schemaProblems(r.error);
  };

  it('names the first three problems by path, then counts the rest', () => {
    expect(problems({ a: 'x', b: 'x', c: { d: 1 }, e: 'x', f: 'x' })).toBe(
      'a: Invalid input: expected number, received string; b: Invalid input: expected number, received string; c.d: Invalid input: expected string, received number; and 2 more',
    );
    expect(problems({ a: 1, b: 2, c: { d: 'ok' }, e: 3, f: 'x' })).toBe('f: Invalid input: expected number, received string');
  });

  it('says (top level) for a value that is not an object at all', () => {
    expect(problems(7)).toBe('(top level): Invalid input: expected object, received number');
  });
});

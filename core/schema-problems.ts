import type { z } from 'zod';

/**
 * Pure: what is wrong with a value read back from a state file or store,
 * against its schema, as one short text for a `...CorruptError`: the first
 * three problems as `path.to.field: message`, then how many more.
 */
export function schemaProblems(error: z.ZodError): string {
  const problems = error.issues.map((i) => `${i.path.map(String).join('.') || '(top level)'}: ${i.message}`);
  return problems.slice(0, 3).join('; ') + (problems.length > 3 ? `; and ${problems.length - 3} more` : '');
}

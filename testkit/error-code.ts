import { OgygiaError } from '../core/errors/index.js';

/**
 * The stable code of the OgygiaError `f` throws, or undefined when it returns.
 * Anything else thrown (a TypeError, a plain Error) propagates, so a test
 * expecting a code, or expecting none, fails on an unintended error.
 */
export function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof OgygiaError) return e.code;
    throw e;
  }
  return undefined;
}

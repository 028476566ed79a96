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

/** The error `f` throws (to read its message and fields); a test that expected a throw fails when `f` returns. */
export function thrownBy(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

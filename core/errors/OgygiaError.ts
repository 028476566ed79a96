import type { ErrorCode } from './codes.js';

/** The structured details an error carries: plain JSON values (paths, revisions, key names). */
export type ErrorData = Readonly<Record<string, unknown>>;

/**
 * Base of every error Ogygia raises on purpose. `code` is stable (it equals
 * the class name) so tests, reports and logs can match on it; `message` is
 * one sentence that says what went wrong and what to do next; `data` carries
 * the structured details.
 *
 * Each subclass takes its typed fields and builds the sentence itself
 * (isomorphic-git's errors do the same): callers never write a message.
 */
export abstract class OgygiaError<D extends ErrorData = ErrorData> extends Error {
  abstract readonly code: ErrorCode;
  readonly data: D;

  protected constructor(message: string, data: D) {
    super(message);
    this.name = new.target.name;
    this.data = data;
  }

  toJSON(): { code: ErrorCode; message: string; data: D } {
    return { code: this.code, message: this.message, data: this.data };
  }
}

export function isOgygiaError(e: unknown): e is OgygiaError {
  return e instanceof OgygiaError;
}

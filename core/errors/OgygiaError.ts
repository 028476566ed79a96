/**
 * Base of every error Ogygia raises on purpose. `code` is stable (it equals
 * the class name) so tests, reports and logs can match on it; `message` is
 * one sentence that says what went wrong and what to do next; `data` carries
 * the structured details (paths, revisions, key names).
 */
export abstract class OgygiaError extends Error {
  abstract readonly code: string;
  readonly data: Record<string, unknown>;

  constructor(message: string, data: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.data = data;
  }

  toJSON(): { code: string; message: string; data: Record<string, unknown> } {
    return { code: this.code, message: this.message, data: this.data };
  }
}

export function isOgygiaError(e: unknown): e is OgygiaError {
  return e instanceof OgygiaError;
}

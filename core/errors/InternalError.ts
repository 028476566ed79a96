import { OgygiaError } from './OgygiaError.js';

export type InternalErrorFields = {
  /** What Ogygia was doing: `ogygia verify`, `sync (webhook)`, `GET /v1/hosts`. */
  readonly where: string;
  /** What went wrong: the unexpected exception (its message is quoted, its stack kept in `data`), or a note. */
  readonly cause: unknown;
};

type InternalErrorData = { readonly where: string; readonly detail: string; readonly stack?: string };

/**
 * Something Ogygia did not expect: an exception that is not an OgygiaError,
 * or a broken invariant. It is a bug in Ogygia, never the operator's doing;
 * the one message asks for a report with the output, and `data.stack` holds
 * the stack for the developer who reproduces it.
 */
export class InternalError extends OgygiaError<InternalErrorData> {
  readonly code = 'InternalError';

  constructor(f: InternalErrorFields) {
    const detail = f.cause instanceof Error ? f.cause.message : String(f.cause);
    const stack = f.cause instanceof Error ? f.cause.stack : undefined;
    super(`${f.where} failed unexpectedly (${detail}); this is a bug in Ogygia: report it with this output.`, {
      where: f.where,
      detail,
      ...(stack !== undefined ? { stack } : {}),
    });
  }

  /** `e` itself when it is an OgygiaError, else an InternalError around it. */
  static wrap(e: unknown, where: string): OgygiaError {
    return e instanceof OgygiaError ? e : new InternalError({ where, cause: e });
  }
}

import { OgygiaError } from './OgygiaError.js';

export type BadRequestFields = {
  /** The 4xx status the HTTP framework chose (415 for an unknown content type, ...). */
  readonly status: number;
  /** What the framework said. */
  readonly detail: string;
  /** The framework's own code (`FST_ERR_CTP_INVALID_MEDIA_TYPE`), when it gave one. */
  readonly cause?: string;
};

/** An HTTP request the server refused before any route saw it (a content type it does not take, a malformed header). */
export class BadRequestError extends OgygiaError<BadRequestFields> {
  readonly code = 'BadRequestError';

  constructor(f: BadRequestFields) {
    super(`The request was refused with HTTP ${f.status} (${f.detail}); check the method, headers and body against docs/api.md.`, { ...f });
  }
}

import { OgygiaError } from './OgygiaError.js';

export type UnauthorizedFields = {
  /** The host the report was posted for. */
  readonly host: string;
};

/** A report lacked the bearer token the reconciler is configured to require. */
export class UnauthorizedError extends OgygiaError<UnauthorizedFields> {
  readonly code = 'UnauthorizedError';

  constructor(f: UnauthorizedFields) {
    super('This report carries no valid bearer token; give the agent the token from [reports] token_files.', { ...f });
  }
}

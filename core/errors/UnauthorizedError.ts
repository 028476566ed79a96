import { OgygiaError } from './OgygiaError.js';

/** A request lacked the bearer token the server is configured to require. */
export class UnauthorizedError extends OgygiaError {
  readonly code = 'UnauthorizedError';
}

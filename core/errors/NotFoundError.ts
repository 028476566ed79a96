import { OgygiaError } from './OgygiaError.js';

/** A route or resource does not exist. */
export class NotFoundError extends OgygiaError {
  readonly code = 'NotFoundError';
}

import { OgygiaError } from './OgygiaError.js';

/** A document carries a field its spec does not define. */
export class UnknownFieldError extends OgygiaError {
  readonly code = 'UnknownFieldError';
}

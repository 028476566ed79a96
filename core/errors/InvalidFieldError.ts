import { OgygiaError } from './OgygiaError.js';

/** A field has the wrong type or an impossible value. */
export class InvalidFieldError extends OgygiaError {
  readonly code = 'InvalidFieldError';
}

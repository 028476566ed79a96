import { OgygiaError } from './OgygiaError.js';

/** A target host name is neither a valid host name nor `*`. */
export class InvalidHostNameError extends OgygiaError {
  readonly code = 'InvalidHostNameError';
}

import { OgygiaError } from './OgygiaError.js';

/** A signature names a key the trust policy does not hold. */
export class UnknownKeyError extends OgygiaError {
  readonly code = 'UnknownKeyError';
}

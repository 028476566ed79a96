import { OgygiaError } from './OgygiaError.js';

/** A release was issued more than the allowed skew in the future of this machine's clock. */
export class NotYetValidError extends OgygiaError {
  readonly code = 'NotYetValidError';
}

import { OgygiaError } from './OgygiaError.js';

/** A document is larger than its size cap. */
export class OversizeError extends OgygiaError {
  readonly code = 'OversizeError';
}

import { OgygiaError } from './OgygiaError.js';

/** A release skips revisions and the releases in between do not link it back to the last accepted one. */
export class ChainBrokenError extends OgygiaError {
  readonly code = 'ChainBrokenError';
}

import { OgygiaError } from './OgygiaError.js';

/** A channel's revision skips numbers or does not start at 1. */
export class RevisionGapError extends OgygiaError {
  readonly code = 'RevisionGapError';
}

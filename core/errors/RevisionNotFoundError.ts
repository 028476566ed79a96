import { OgygiaError } from './OgygiaError.js';

/** A channel has no release with the asked revision. */
export class RevisionNotFoundError extends OgygiaError {
  readonly code = 'RevisionNotFoundError';
}

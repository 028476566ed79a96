import { OgygiaError } from './OgygiaError.js';

/** The release's revision is not newer than the last one accepted. */
export class ReplayError extends OgygiaError {
  readonly code = 'ReplayError';
}

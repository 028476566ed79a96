import { OgygiaError } from './OgygiaError.js';

/** The agent could not fetch its channel's head from its source. */
export class SourceUnavailableError extends OgygiaError {
  readonly code = 'SourceUnavailableError';
}

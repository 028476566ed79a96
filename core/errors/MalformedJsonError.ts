import { OgygiaError } from './OgygiaError.js';

/** A channel file, report or other JSON document does not parse. */
export class MalformedJsonError extends OgygiaError {
  readonly code = 'MalformedJsonError';
}

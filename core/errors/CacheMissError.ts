import { OgygiaError } from './OgygiaError.js';

/** A substituter does not hold a store path the release needs. */
export class CacheMissError extends OgygiaError {
  readonly code = 'CacheMissError';
}

import { OgygiaError } from './OgygiaError.js';

/** A store path of a closure being diffed is in none of the caches asked (data: storePath, caches). */
export class NarinfoNotFoundError extends OgygiaError {
  readonly code = 'NarinfoNotFoundError';
}

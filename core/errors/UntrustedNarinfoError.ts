import { OgygiaError } from './OgygiaError.js';

/** A cache's narinfo carries no signature by a trusted cache key, or names another path than asked: its closure data cannot be believed (data: storePath, cache). */
export class UntrustedNarinfoError extends OgygiaError {
  readonly code = 'UntrustedNarinfoError';
}

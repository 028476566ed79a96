import { OgygiaError } from './OgygiaError.js';

/** A closure diff must read a binary cache but no cache key is trusted to check its narinfo signatures (data: caches). */
export class NoCacheKeyError extends OgygiaError {
  readonly code = 'NoCacheKeyError';
}

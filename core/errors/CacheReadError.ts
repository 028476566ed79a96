import { OgygiaError } from './OgygiaError.js';

/** A binary cache could not be read for a store path: unreachable, an error status, or an answer that is not a narinfo or NAR (data: cache, storePath, reason). */
export class CacheReadError extends OgygiaError {
  readonly code = 'CacheReadError';
}

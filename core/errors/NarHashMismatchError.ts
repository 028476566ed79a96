import { OgygiaError } from './OgygiaError.js';

/** A NAR's SHA-256 differs from the NarHash its narinfo announced; the peer or cache entry is corrupt. */
export class NarHashMismatchError extends OgygiaError {
  readonly code = 'NarHashMismatchError';
}

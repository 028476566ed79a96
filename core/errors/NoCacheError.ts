import { OgygiaError } from './OgygiaError.js';

/** A closure diff must read closures that are not in the local store, and no binary cache is named (data: storePaths). */
export class NoCacheError extends OgygiaError {
  readonly code = 'NoCacheError';
}

import { OgygiaError } from './OgygiaError.js';

/** Rolling back to the previous system failed, or there was nothing to roll back to. */
export class RollbackError extends OgygiaError {
  readonly code = 'RollbackError';
}

import { OgygiaError } from './OgygiaError.js';

/** A durable state file could not be written (disk full, read-only, permissions). */
export class StateWriteError extends OgygiaError {
  readonly code = 'StateWriteError';
}

import { OgygiaError } from './OgygiaError.js';

/** A command was called with missing or contradictory arguments. */
export class UsageError extends OgygiaError {
  readonly code = 'UsageError';
}

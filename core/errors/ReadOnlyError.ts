import { OgygiaError } from './OgygiaError.js';

/** A write was attempted on something served read-only (the reconciler's git mirror). */
export class ReadOnlyError extends OgygiaError {
  readonly code = 'ReadOnlyError';
}

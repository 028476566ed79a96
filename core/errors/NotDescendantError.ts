import { OgygiaError } from './OgygiaError.js';

/** The new commit does not descend from the last accepted one (force-push or rewind). */
export class NotDescendantError extends OgygiaError {
  readonly code = 'NotDescendantError';
}

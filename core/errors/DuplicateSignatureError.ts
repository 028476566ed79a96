import { OgygiaError } from './OgygiaError.js';

/** Two signatures come from the same key. */
export class DuplicateSignatureError extends OgygiaError {
  readonly code = 'DuplicateSignatureError';
}

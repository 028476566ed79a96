import { OgygiaError } from './OgygiaError.js';

/** A signature does not verify against the key it names. */
export class BadSignatureError extends OgygiaError {
  readonly code = 'BadSignatureError';
}

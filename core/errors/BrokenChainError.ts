import { OgygiaError } from './OgygiaError.js';

/** `previous` is not the digest of the release it replaces. */
export class BrokenChainError extends OgygiaError {
  readonly code = 'BrokenChainError';
}

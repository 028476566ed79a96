import { OgygiaError } from './OgygiaError.js';

/** A key string is not in Nix's NAME:BASE64 format. */
export class InvalidKeyError extends OgygiaError {
  readonly code = 'InvalidKeyError';
}

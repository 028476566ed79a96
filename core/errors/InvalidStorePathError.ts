import { OgygiaError } from './OgygiaError.js';

/** A store path does not match the Nix store path syntax. */
export class InvalidStorePathError extends OgygiaError {
  readonly code = 'InvalidStorePathError';
}

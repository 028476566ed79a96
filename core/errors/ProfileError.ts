import { OgygiaError } from './OgygiaError.js';

/** Setting the system profile to a store path failed. */
export class ProfileError extends OgygiaError {
  readonly code = 'ProfileError';
}

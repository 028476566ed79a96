import { OgygiaError } from './OgygiaError.js';

/** The release is past its expiresAt (a freeze attack, or a release nobody renewed). */
export class ExpiredReleaseError extends OgygiaError {
  readonly code = 'ExpiredReleaseError';
}

import { OgygiaError } from './OgygiaError.js';

/** No trust policy covers a channel. */
export class NoTrustPolicyError extends OgygiaError {
  readonly code = 'NoTrustPolicyError';
}

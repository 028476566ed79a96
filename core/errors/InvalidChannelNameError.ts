import { OgygiaError } from './OgygiaError.js';

/** A channel name does not match ^[a-z0-9][a-z0-9._-]{0,62}$. */
export class InvalidChannelNameError extends OgygiaError {
  readonly code = 'InvalidChannelNameError';
}

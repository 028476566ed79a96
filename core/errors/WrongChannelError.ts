import { OgygiaError } from './OgygiaError.js';

/** The release is for another channel than the one this host follows. */
export class WrongChannelError extends OgygiaError {
  readonly code = 'WrongChannelError';
}

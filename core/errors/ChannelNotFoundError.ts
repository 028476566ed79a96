import { OgygiaError } from './OgygiaError.js';

/** A channel has no file in the repository. */
export class ChannelNotFoundError extends OgygiaError {
  readonly code = 'ChannelNotFoundError';
}

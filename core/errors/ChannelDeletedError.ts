import { OgygiaError } from './OgygiaError.js';

/** A channel file was deleted. */
export class ChannelDeletedError extends OgygiaError {
  readonly code = 'ChannelDeletedError';
}

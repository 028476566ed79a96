import { OgygiaError } from './OgygiaError.js';

/** A channel file's release names another channel than its file name. */
export class ChannelMismatchError extends OgygiaError {
  readonly code = 'ChannelMismatchError';
}

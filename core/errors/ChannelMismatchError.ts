import { OgygiaError } from './OgygiaError.js';
import { quoted } from './text.js';

export type ChannelMismatchFields = {
  readonly file: string;
  /** The channel the file is named after. */
  readonly fileChannel: string;
  /** The channel the release inside names. */
  readonly releaseChannel: string;
};

/** A channel file's release names another channel than its file name. */
export class ChannelMismatchError extends OgygiaError<ChannelMismatchFields> {
  readonly code = 'ChannelMismatchError';

  constructor(f: ChannelMismatchFields) {
    super(
      `${f.file} holds a release for channel ${quoted(f.releaseChannel)}; a channel file must be named after its channel (channels/${f.releaseChannel}.json).`,
      { ...f },
    );
  }
}

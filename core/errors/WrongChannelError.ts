import { OgygiaError } from './OgygiaError.js';

export type WrongChannelFields = {
  readonly file: string;
  /** The channel the file (or the host) is for. */
  readonly expected: string;
  /** The channel the release inside names, and its revision. */
  readonly actual: string;
  readonly revision: number;
};

/** The release is for another channel than the one this file or host is for. */
export class WrongChannelError extends OgygiaError<WrongChannelFields> {
  readonly code = 'WrongChannelError';

  constructor(f: WrongChannelFields) {
    super(
      `${f.file} should hold a release of channel ${f.expected} but ${f.actual}#${f.revision} is a release of channel ${f.actual}; ` +
        "name each channel file after its release's channel and point agents at the channel they follow.",
      { ...f },
    );
  }
}

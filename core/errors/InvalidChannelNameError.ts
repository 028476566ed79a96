import { OgygiaError } from './OgygiaError.js';
import { quoted } from './text.js';

export type InvalidChannelNameFields =
  /** A channel name given on its own (an option, a URL). */
  | { readonly channel: string }
  /** A name read from a channel file: the release's `channel` (`in: 'release'`) or the file's own name (`in: 'file-name'`). */
  | { readonly channel: string; readonly file: string; readonly in: 'release' | 'file-name' };

const RULE = 'use lowercase letters, digits and ._- (at most 63, starting with a letter or digit)';

/** A channel name does not match ^[a-z0-9][a-z0-9._-]{0,62}$. */
export class InvalidChannelNameError extends OgygiaError<InvalidChannelNameFields> {
  readonly code = 'InvalidChannelNameError';

  constructor(f: InvalidChannelNameFields) {
    const name = quoted(f.channel);
    super(
      !('file' in f)
        ? `Channel ${name} is not a valid name; ${RULE}.`
        : f.in === 'release'
          ? `${f.file}: channel ${name} is not a valid name; ${RULE}.`
          : `${f.file} is not named after a valid channel: ${name}; ${RULE}.`,
      { ...f },
    );
  }
}

import { OgygiaError } from './OgygiaError.js';
import { shortCommit } from './text.js';

export type ChannelDeletedFields =
  /** A change (a pull request, `ogygia verify --base`) removes the channel file. */
  | { readonly where: 'change'; readonly channel: string }
  /** The reconciler found the file gone at a branch commit; it keeps serving the last release. */
  | { readonly where: 'branch'; readonly channel: string; readonly commit: string };

/** A channel file was deleted. */
export class ChannelDeletedError extends OgygiaError<ChannelDeletedFields> {
  readonly code = 'ChannelDeletedError';

  constructor(f: ChannelDeletedFields) {
    super(
      f.where === 'change'
        ? `Channel ${f.channel} was deleted; hosts following it would be stranded, so publish a new release instead of removing the file.`
        : `channels/${f.channel}.json was deleted at ${shortCommit(f.commit)}; the last release keeps being served, restore the file to publish again.`,
      { ...f },
    );
  }
}

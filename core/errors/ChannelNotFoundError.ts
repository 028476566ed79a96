import { OgygiaError } from './OgygiaError.js';

export type ChannelNotFoundFields =
  /** A channels repository (a work tree or a commit in it) has no file for the channel. */
  | { readonly where: 'repository'; readonly channel: string; readonly repo: string; readonly ref?: string }
  /** The reconciler serves no release of the channel from its branch. */
  | { readonly where: 'reconciler'; readonly channel: string; readonly branch: string };

/** A channel has no file in the repository, or no served release. */
export class ChannelNotFoundError extends OgygiaError<ChannelNotFoundFields> {
  readonly code = 'ChannelNotFoundError';

  constructor(f: ChannelNotFoundFields) {
    super(
      f.where === 'repository'
        ? `Channel ${f.channel} has no channels/${f.channel}.json in ${f.repo}${f.ref !== undefined ? ` at ${f.ref}` : ''}; ` +
            'check the channel name or publish its first release with `ogygia publish`.'
        : `Channel ${f.channel} has no served release; publish channels/${f.channel}.json on ${f.branch} or check the name.`,
      { ...f },
    );
  }
}

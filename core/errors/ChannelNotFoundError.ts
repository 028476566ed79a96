import { OgygiaError } from './OgygiaError.js';

export type ChannelNotFoundFields =
  /** A channels repository (a work tree or a commit in it) has no file for the channel. */
  | { readonly where: 'repository'; readonly channel: string; readonly repo: string; readonly ref?: string }
  /** The reconciler serves no release of the channel from its branch. */
  | { readonly where: 'reconciler'; readonly channel: string; readonly branch: string }
  /** The channel's only release rolls out in waves (DESIGN.md §12) and this host's wave is not open: nothing is served to it yet. */
  | { readonly where: 'rollout'; readonly channel: string; readonly host: string; readonly revision: number };

/** A channel has no file in the repository, or no served release. */
export class ChannelNotFoundError extends OgygiaError<ChannelNotFoundFields> {
  readonly code = 'ChannelNotFoundError';

  constructor(f: ChannelNotFoundFields) {
    super(
      f.where === 'repository'
        ? `Channel ${f.channel} has no channels/${f.channel}.json in ${f.repo}${f.ref !== undefined ? ` at ${f.ref}` : ''}; ` +
            'check the channel name or publish its first release with `ogygia publish`.'
        : f.where === 'rollout'
          ? `Channel ${f.channel} has no release for ${f.host} yet: revision ${f.revision} rolls out in waves and ${f.host}'s wave is not open; ` +
            'the host gets it when its wave opens (see GET /v1/channels).'
          : `Channel ${f.channel} has no served release; publish channels/${f.channel}.json on ${f.branch} or check the name.`,
      { ...f },
    );
  }
}

import { OgygiaError } from './OgygiaError.js';

export type SourceUnavailableFields =
  /** The reconciler did not answer (`source` is the configured URL, `url` the one asked). */
  | { readonly reason: 'unreachable'; readonly source: string; readonly url: string; readonly channel: string; readonly cause: string }
  /** The reconciler answered with an error status. */
  | { readonly reason: 'status'; readonly source: string; readonly url: string; readonly channel: string; readonly status: number; readonly body: string }
  /** The reconciler's body is not JSON. */
  | { readonly reason: 'not-json'; readonly source: string; readonly url: string }
  /** The reconciler's JSON holds no document and git commit id. */
  | { readonly reason: 'no-document'; readonly source: string; readonly url: string; readonly channel: string }
  /** A git source (URL or path) whose branch cannot be read. */
  | { readonly reason: 'git-unreadable'; readonly source: string; readonly branch: string; readonly cause: string }
  /** A git source whose branch has no file for the channel. */
  | { readonly reason: 'git-no-channel'; readonly source: string; readonly branch: string; readonly channel: string };

function sentence(f: SourceUnavailableFields): string {
  switch (f.reason) {
    case 'unreachable':
      return `Cannot fetch channel ${f.channel} from ${f.source} (${f.cause}); check that the reconciler runs and the URL in source is right.`;
    case 'status':
      return `The reconciler at ${f.source} answered ${f.status} for channel ${f.channel}; check that the channel exists and the reconciler is healthy.`;
    case 'not-json':
      return `The reconciler at ${f.source} sent a body that is not JSON; check that source points at an Ogygia reconciler.`;
    case 'no-document':
      return `The reconciler at ${f.source} sent no document and git commit id for channel ${f.channel}; check that source points at an Ogygia reconciler.`;
    case 'git-unreadable':
      return `Cannot read branch ${f.branch} of ${f.source} (${f.cause}); check the git source URL or path and the branch name.`;
    case 'git-no-channel':
      return `${f.source} has no channels/${f.channel}.json on ${f.branch}; publish the channel or fix channel in the config.`;
  }
}

/** The agent could not fetch its channel's head from its source. */
export class SourceUnavailableError extends OgygiaError<SourceUnavailableFields> {
  readonly code = 'SourceUnavailableError';

  constructor(f: SourceUnavailableFields) {
    super(sentence(f), f.reason === 'status' ? { ...f, body: f.body.slice(0, 500) } : { ...f });
  }
}

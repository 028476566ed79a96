import { OgygiaError } from './OgygiaError.js';

export type RevisionNotFoundFields =
  /** `ogygia rollback --to`: no earlier release with that revision. */
  | { readonly channel: string; readonly to: number; readonly current: number }
  /** `ogygia diff --from/--to`: no valid release with that revision in the repository at `ref`. */
  | { readonly channel: string; readonly revision: number; readonly repo: string; readonly ref: string; readonly flag: string };

/** A channel has no release with the asked revision. */
export class RevisionNotFoundError extends OgygiaError<RevisionNotFoundFields> {
  readonly code = 'RevisionNotFoundError';

  constructor(f: RevisionNotFoundFields) {
    super(
      'to' in f
        ? `Channel ${f.channel} has no earlier revision ${f.to} in its history; run \`ogygia history --channel ${f.channel}\` and pick one below ${f.current}.`
        : `Channel ${f.channel} has no valid revision ${f.revision} in ${f.repo} at ${f.ref} (${f.flag}); list its revisions with \`ogygia history --channel ${f.channel}\`.`,
      { ...f },
    );
  }
}

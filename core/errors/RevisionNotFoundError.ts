import { OgygiaError } from './OgygiaError.js';

export type RevisionNotFoundFields = {
  readonly channel: string;
  /** The revision asked for. */
  readonly to: number;
  /** The channel's current revision. */
  readonly current: number;
};

/** A channel has no earlier release with the asked revision. */
export class RevisionNotFoundError extends OgygiaError<RevisionNotFoundFields> {
  readonly code = 'RevisionNotFoundError';

  constructor(f: RevisionNotFoundFields) {
    super(
      `Channel ${f.channel} has no earlier revision ${f.to} in its history; run \`ogygia history --channel ${f.channel}\` and pick one below ${f.current}.`,
      { ...f },
    );
  }
}

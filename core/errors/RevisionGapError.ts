import { OgygiaError } from './OgygiaError.js';

export type RevisionGapFields =
  /** A channel's first release is not revision 1. */
  | { readonly gap: 'first'; readonly channel: string; readonly revision: number }
  /** A release that is not exactly the accepted revision + 1. */
  | { readonly gap: 'jump'; readonly channel: string; readonly revision: number; readonly accepted: number }
  /** A skip over revisions whose link `missing` (named by `previous`) is not in the branch history since the floor. */
  | {
      readonly gap: 'missing';
      readonly channel: string;
      readonly revision: number;
      readonly floor: number;
      readonly missing: number;
      readonly previous: string | null;
    };

/** A channel's revision skips numbers or does not start at 1. */
export class RevisionGapError extends OgygiaError<RevisionGapFields> {
  readonly code = 'RevisionGapError';

  constructor(f: RevisionGapFields) {
    const where = `${f.channel}#${f.revision}`;
    super(
      f.gap === 'first'
        ? `${where}: a new channel must start at revision 1; publish it with \`ogygia publish\` on an empty channel.`
        : f.gap === 'jump'
          ? `${where} jumps from revision ${f.accepted}; each new release must be exactly revision ${f.accepted + 1}.`
          : `${where} jumps from revision ${f.floor} and revision ${f.missing} (${f.previous}) is not in the branch history since; ` +
            'publish each revision on the tracked branch in order.',
      { ...f },
    );
  }
}

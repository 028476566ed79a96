import { OgygiaError } from './OgygiaError.js';
import { shortCommit } from './text.js';

export type NotDescendantFields =
  /** `ogygia verify --base`: the change's HEAD does not build on the base. */
  | { readonly against: 'base'; readonly head: string; readonly base: string }
  /** The reconciler: the branch head does not descend from the branch commit it serves. */
  | { readonly against: 'served'; readonly commit: string; readonly served: string }
  /** An agent on a git source: the release's commit does not descend from the commit it last applied. */
  | {
      readonly against: 'applied';
      readonly channel: string;
      readonly revision: number;
      readonly commit: string;
      readonly floorCommit: string;
      readonly floorRevision: number;
    };

/** The new commit does not descend from the last accepted one (force-push or rewind). */
export class NotDescendantError extends OgygiaError<NotDescendantFields> {
  readonly code = 'NotDescendantError';

  constructor(f: NotDescendantFields) {
    super(
      f.against === 'base'
        ? `HEAD ${shortCommit(f.head)} does not descend from base ${shortCommit(f.base)}; rebase the branch on the base instead of rewriting history.`
        : f.against === 'served'
          ? `Branch head ${f.commit} does not descend from the served commit ${f.served} (force-push or rewind); ` +
            `push a commit on top of ${shortCommit(f.served)} instead of rewriting history.`
          : `Commit ${f.commit} of ${f.channel}#${f.revision} does not descend from ${f.floorCommit}, the commit of revision ${f.floorRevision} already applied; ` +
            'the branch was rewound or force-pushed, publish a new release on top of it.',
      { ...f },
    );
  }
}

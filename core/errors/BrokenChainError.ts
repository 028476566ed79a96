import { OgygiaError } from './OgygiaError.js';

export type BrokenChainFields = {
  readonly channel: string;
  /** The revision whose `previous` does not link. */
  readonly revision: number;
  /** What it names in `previous`. */
  readonly previous: string | null;
  /** The revision it must chain to, and that revision's digest. */
  readonly expectedRevision: number;
  readonly expected: string;
};

/** `previous` is not the digest of the release it replaces. */
export class BrokenChainError extends OgygiaError<BrokenChainFields> {
  readonly code = 'BrokenChainError';

  constructor(f: BrokenChainFields) {
    super(
      `${f.channel}#${f.revision} names previous ${f.previous} but revision ${f.expectedRevision} has digest ${f.expected}; ` +
        `publish again on top of revision ${f.expectedRevision}.`,
      { ...f },
    );
  }
}

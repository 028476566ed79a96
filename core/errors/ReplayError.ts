import { OgygiaError } from './OgygiaError.js';

export type ReplayFields = {
  readonly channel: string;
  readonly revision: number;
  readonly digest: string;
  /** The revision already accepted, and its digest. */
  readonly accepted: number;
  readonly acceptedDigest: string;
};

/**
 * The release's revision is not newer than the last one accepted: an older
 * revision, or the accepted revision with different content.
 */
export class ReplayError extends OgygiaError<ReplayFields> {
  readonly code = 'ReplayError';

  constructor(f: ReplayFields) {
    const where = `${f.channel}#${f.revision}`;
    super(
      f.revision < f.accepted
        ? `${where} is older than revision ${f.accepted} already accepted; publish a new release (revision ${f.accepted + 1}) instead of reusing an old one.`
        : `${where} reuses revision ${f.accepted} with different content; every change must be a new revision (${f.accepted + 1}).`,
      { ...f },
    );
  }
}

import { OgygiaError } from './OgygiaError.js';

export type NarHashMismatchFields =
  /** The NAR went on past the NarSize its narinfo announced. */
  | { readonly reason: 'too-long'; readonly storePath: string; readonly narSize: number }
  /** The NAR ended, and its SHA-256 is not the NarHash. */
  | {
      readonly reason: 'hash';
      readonly storePath: string;
      readonly expected: string;
      readonly narSize: number;
      readonly got: string;
      readonly size: number;
    };

/**
 * A NAR's SHA-256 (or length) differs from what its narinfo announced; the
 * peer or cache entry that served it is corrupt or hostile. irisd drops it
 * (and marks a peer bad) on its own, so the message says what happened.
 */
export class NarHashMismatchError extends OgygiaError<NarHashMismatchFields> {
  readonly code = 'NarHashMismatchError';

  constructor(f: NarHashMismatchFields) {
    super(
      f.reason === 'too-long'
        ? `The NAR of ${f.storePath} is longer than its NarSize ${f.narSize}; the source is corrupt and was dropped, the next request fetches it elsewhere.`
        : `The NAR of ${f.storePath} hashes to ${f.got} (${f.size} bytes), not ${f.expected} (${f.narSize} bytes); ` +
            'the source is corrupt and was dropped, the next request fetches it elsewhere.',
      { ...f },
    );
  }
}

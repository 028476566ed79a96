import { OgygiaError } from './OgygiaError.js';

export type ChainBrokenFields =
  | {
      readonly reason: 'missing';
      readonly channel: string;
      readonly revision: number;
      /** The revision last accepted. */
      readonly floor: number;
      /** The revision in between that no release given links through. */
      readonly missing: number;
      readonly previous: string | null;
    }
  | {
      readonly reason: 'mismatch';
      readonly channel: string;
      readonly revision: number;
      readonly floor: number;
      /** What the oldest link of the chain names as previous. */
      readonly previous: string | null;
      /** The digest of the release last accepted. */
      readonly expected: string;
    };

/** A release skips revisions and the releases in between do not link it back to the last accepted one (DESIGN.md §12). */
export class ChainBrokenError extends OgygiaError<ChainBrokenFields> {
  readonly code = 'ChainBrokenError';

  constructor(f: ChainBrokenFields) {
    super(
      f.reason === 'missing'
        ? `${f.channel}#${f.revision} skips from revision ${f.floor}, and revision ${f.missing} (${f.previous}) that links it back is not among the releases in between; ` +
            `publish each revision on the tracked branch in order (from a reconciler, the agent asks for them with ?since).`
        : `${f.channel}#${f.revision} skips from revision ${f.floor}, but its chain names previous ${f.previous} where revision ${f.floor} has digest ${f.expected}; publish again on top of that release.`,
      { ...f },
    );
  }
}

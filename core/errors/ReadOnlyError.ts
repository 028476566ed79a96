import { OgygiaError } from './OgygiaError.js';

export type ReadOnlyFields = {
  /** The path a write (a git push) was sent to. */
  readonly path: string;
};

/** A write was attempted on something served read-only (the reconciler's git mirror). */
export class ReadOnlyError extends OgygiaError<ReadOnlyFields> {
  readonly code = 'ReadOnlyError';

  constructor(f: ReadOnlyFields) {
    super('The mirror is read-only; publish by pushing to the channels repository itself.', { ...f });
  }
}

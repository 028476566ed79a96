import { OgygiaError } from './OgygiaError.js';

export type RollbackFields =
  /** The failed revision had no previous system profile to go back to. */
  | { readonly reason: 'no-previous'; readonly revision: number | null }
  /** Going back to `previousStorePath` failed too (`cause` is that step's error). */
  | {
      readonly reason: 'failed';
      readonly previousStorePath: string;
      readonly cause: { readonly code: string; readonly message: string; readonly outputTail?: string };
    };

/** Rolling back to the previous system failed, or there was nothing to roll back to. */
export class RollbackError extends OgygiaError<RollbackFields> {
  readonly code = 'RollbackError';

  constructor(f: RollbackFields) {
    super(
      f.reason === 'no-previous'
        ? `Revision ${f.revision} failed and this host had no previous system profile to go back to; fix the release and publish a new one.`
        : `Rolling back to ${f.previousStorePath} failed too (${f.cause.code}: ${f.cause.message}); the host needs an operator: run its switch-to-configuration by hand.`,
      { ...f },
    );
  }
}

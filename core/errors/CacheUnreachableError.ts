import { OgygiaError } from './OgygiaError.js';

export type CacheUnreachableFields = {
  /** The substituter URL as configured. */
  readonly substituter: string;
  /** Why it could not be asked: the network error, or the HTTP status it answered with. */
  readonly cause: string;
  /** The store path being looked up when it failed. */
  readonly storePath: string;
};

/**
 * A binary cache could not be asked whether it holds a store path (down,
 * unreachable, or answering with an error). Not a CacheMissError: nothing is
 * known to be missing, so copying paths there would not help.
 */
export class CacheUnreachableError extends OgygiaError<CacheUnreachableFields> {
  readonly code = 'CacheUnreachableError';

  constructor(f: CacheUnreachableFields) {
    super(
      `The binary cache ${f.substituter} could not be asked for ${f.storePath} (${f.cause}); check that it is up and reachable from here, then run the check again.`,
      { ...f },
    );
  }
}

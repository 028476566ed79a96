import { OgygiaError } from './OgygiaError.js';

export type NoCacheFields = { readonly caches: readonly string[] };

/** A closure to diff is not in the local store and no binary cache is named. */
export class NoCacheError extends OgygiaError<NoCacheFields> {
  readonly code = 'NoCacheError';

  constructor(f: NoCacheFields) {
    super('A closure to diff is not in the local store and no binary cache is named; pass --cache URL or add substituters to the release.', { ...f });
  }
}

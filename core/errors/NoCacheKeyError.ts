import { OgygiaError } from './OgygiaError.js';

export type NoCacheKeyFields = { readonly caches: readonly string[] };

/** Caches would be read for a closure diff, but no key is trusted to sign their narinfos. */
export class NoCacheKeyError extends OgygiaError<NoCacheKeyFields> {
  readonly code = 'NoCacheKeyError';

  constructor(f: NoCacheKeyFields) {
    super(
      `Reading ${f.caches.join(', ')} needs a trusted cache key to check narinfo signatures; pass --trusted-key NAME:BASE64 or add [cache] trusted_keys to ogygia.toml.`,
      { ...f },
    );
  }
}

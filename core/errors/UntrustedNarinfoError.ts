import { OgygiaError } from './OgygiaError.js';

export type UntrustedNarinfoFields = { readonly storePath: string; readonly cache: string };

/** A cache's narinfo for a path is not signed by a trusted cache key, so the closure it describes cannot be believed. */
export class UntrustedNarinfoError extends OgygiaError<UntrustedNarinfoFields> {
  readonly code = 'UntrustedNarinfoError';

  constructor(f: UntrustedNarinfoFields) {
    super(
      `The narinfo of ${f.storePath} from ${f.cache} is not signed by a trusted cache key, so its closure cannot be believed; pass the cache's public key with --trusted-key (or [cache] trusted_keys in ogygia.toml) if you trust that cache.`,
      { ...f },
    );
  }
}

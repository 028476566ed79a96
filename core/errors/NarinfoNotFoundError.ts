import { OgygiaError } from './OgygiaError.js';

export type NarinfoNotFoundFields = { readonly storePath: string; readonly caches: readonly string[] };

/** A store path of a closure to diff is in none of the caches asked. */
export class NarinfoNotFoundError extends OgygiaError<NarinfoNotFoundFields> {
  readonly code = 'NarinfoNotFoundError';

  constructor(f: NarinfoNotFoundFields) {
    super(`${f.storePath} is in none of the caches ${f.caches.join(', ')}; push the closure with \`nix copy --to <cache>\` or name a cache that holds it with --cache.`, { ...f });
  }
}

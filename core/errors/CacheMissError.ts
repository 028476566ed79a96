import { OgygiaError } from './OgygiaError.js';

/** How many missing paths a message names; `data.missing` holds them all. */
const SHOWN = 5;

export type CacheMissFields =
  /** There was no substituter to look in. */
  | { readonly reason: 'no-substituter'; readonly storePaths: readonly string[] }
  /** Every substituter answered, and none holds these paths. */
  | { readonly reason: 'missing'; readonly missing: readonly string[]; readonly substituters: readonly string[] };

/**
 * A substituter does not hold a store path the release needs. Only raised
 * when every substituter answered: one that could not be asked is a
 * CacheUnreachableError.
 */
export class CacheMissError extends OgygiaError<CacheMissFields> {
  readonly code = 'CacheMissError';

  constructor(f: CacheMissFields) {
    super(
      f.reason === 'no-substituter'
        ? 'The release names no substituter to check; pass --substituter or add substituters to the release.'
        : `${f.missing.length} store path(s) of the release are not in ${f.substituters.join(', ')}: ` +
            `${f.missing.slice(0, SHOWN).join(', ')}${f.missing.length > SHOWN ? ', ...' : ''}; run \`nix copy --to <cache>\` for them before merging.`,
      { ...f },
    );
  }
}

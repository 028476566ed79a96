import { OgygiaError } from './OgygiaError.js';

export type CacheReadFields = {
  readonly cache: string;
  readonly storePath: string;
} & (
  /** The narinfo could not be fetched (`cause`: what the fetch said). */
  | { readonly reason: 'unreadable'; readonly cause: string }
  /** What the cache answered is not a narinfo. */
  | { readonly reason: 'not-narinfo'; readonly cause: string }
  /** The narinfo's NAR URL (not covered by its signature) points outside the cache. */
  | { readonly reason: 'nar-url-outside'; readonly url: string }
  /** The system's top-level NAR could not be fetched. */
  | { readonly reason: 'nar-unreadable'; readonly cause: string }
  /** The cache has the narinfo but not its NAR. */
  | { readonly reason: 'nar-missing'; readonly url: string }
  /** The NAR does not hash to the signed NarHash. */
  | { readonly reason: 'nar-hash-mismatch' }
);

function sentence(f: CacheReadFields): string {
  switch (f.reason) {
    case 'unreadable':
      return `Cache ${f.cache} could not be read for ${f.storePath} (${f.cause}); check that the cache is up and its URL is right.`;
    case 'not-narinfo':
      return `Cache ${f.cache} answered for ${f.storePath} with something that is not a narinfo (${f.cause}); the cache is broken or hostile.`;
    case 'nar-url-outside':
      return `Cache ${f.cache} names the NAR of ${f.storePath} at ${JSON.stringify(f.url.slice(0, 200))}, which is not a path inside the cache; the cache is broken or hostile.`;
    case 'nar-unreadable':
      return `Cache ${f.cache} could not give the top-level NAR of ${f.storePath} (${f.cause}); check that the cache holds its NARs, not only narinfos.`;
    case 'nar-missing':
      return `Cache ${f.cache} has the narinfo of ${f.storePath} but not its NAR ${f.url}; the cache is incomplete: push the path again.`;
    case 'nar-hash-mismatch':
      return `The NAR of ${f.storePath} from ${f.cache} does not match the NarHash its signed narinfo gives; the cache is corrupt or hostile.`;
  }
}

/** A binary cache could not be read, or answered with something broken, while reading a closure (DESIGN.md §14). */
export class CacheReadError extends OgygiaError<CacheReadFields> {
  readonly code = 'CacheReadError';

  constructor(f: CacheReadFields) {
    super(sentence(f), { ...f });
  }
}

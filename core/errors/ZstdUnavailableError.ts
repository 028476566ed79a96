import { OgygiaError } from './OgygiaError.js';

export type ZstdUnavailableFields = {
  /** Why the zstd-napi module did not load (usually: its native part was never built). */
  readonly cause: string;
};

/** irisd was told to compress NARs with zstd (`[cache] compression = "zstd"`), but its zstd library does not load. */
export class ZstdUnavailableError extends OgygiaError<ZstdUnavailableFields> {
  readonly code = 'ZstdUnavailableError';

  constructor(f: ZstdUnavailableFields) {
    super(
      `irisd cannot compress NARs with zstd: the zstd-napi module did not load (${f.cause}); build it with \`npm rebuild zstd-napi\`, or set [cache] compression = "none".`,
      { ...f },
    );
  }
}

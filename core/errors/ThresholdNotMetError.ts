import { OgygiaError } from './OgygiaError.js';

export type ThresholdNotMetFields = {
  readonly channel: string;
  readonly revision: number;
  /** Names of the distinct trusted keys whose signatures verify. */
  readonly valid: readonly string[];
  readonly threshold: number;
  /** The signatures that did not count, as their errors' JSON. */
  readonly problems: readonly unknown[];
};

/** Fewer distinct trusted public keys signed than the threshold asks. */
export class ThresholdNotMetError extends OgygiaError<ThresholdNotMetFields> {
  readonly code = 'ThresholdNotMetError';

  constructor(f: ThresholdNotMetFields) {
    super(
      `Release ${f.channel}#${f.revision} has ${f.valid.length} valid signature(s) from distinct trusted keys and needs ${f.threshold}; ` +
        'approve it with `ogygia approve` using another trusted key.',
      { ...f },
    );
  }
}

import { OgygiaError } from './OgygiaError.js';

export type InvalidRolloutFields = {
  /** The channel file (or `--wave` flags, `ogygia.toml`) the rollout came from. */
  readonly file: string;
  /** What is wrong with the rollout as a whole, e.g. `maxFailures must be a whole number ≥ 0`. */
  readonly problem: string;
};

/** A release's `rollout` is not an object of `waves` and `maxFailures` as DESIGN §12 defines it. */
export class InvalidRolloutError extends OgygiaError<InvalidRolloutFields> {
  readonly code = 'InvalidRolloutError';

  constructor(f: InvalidRolloutFields) {
    super(`${f.file}: rollout: ${f.problem}; correct it and publish the release again with \`ogygia publish --wave ...\`.`, { ...f });
  }
}

import { OgygiaError } from './OgygiaError.js';

export type InvalidWaveFields = {
  /** The channel file (or `--wave` flags, `ogygia.toml`) the rollout came from. */
  readonly file: string;
  /** The wave, counting from 1 as the operator wrote them. */
  readonly wave: number;
  /** What is wrong with it, e.g. `percent must be a whole number from 1 to 100`. */
  readonly problem: string;
};

/** One wave of a release's `rollout` is malformed: no hosts and no percent, a bad percent or soak, a host twice. */
export class InvalidWaveError extends OgygiaError<InvalidWaveFields> {
  readonly code = 'InvalidWaveError';

  constructor(f: InvalidWaveFields) {
    super(`${f.file}: rollout wave ${f.wave}: ${f.problem}; correct the wave and publish the release again with \`ogygia publish --wave ...\`.`, { ...f });
  }
}

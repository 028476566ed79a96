import { OgygiaError } from './OgygiaError.js';

export type StateCorruptFields = {
  /** The state file. */
  readonly file: string;
  /** What is wrong: not JSON, or the problems against its schema. */
  readonly problem: string;
  /** The replay floor's file name, and whether it is damaged too. */
  readonly floorFile: string;
  readonly floorCorrupt: boolean;
};

/** The agent's state file exists but cannot be read as agent state. */
export class StateCorruptError extends OgygiaError<StateCorruptFields> {
  readonly code = 'StateCorruptError';

  constructor(f: StateCorruptFields) {
    super(
      `The agent state ${f.file} is damaged (${f.problem}); it is treated as "nothing applied" and rewritten by the next apply, and ${
        f.floorCorrupt ? `the replay floor in ${f.floorFile} is damaged too, so nothing is applied until that is fixed` : `the replay floor in ${f.floorFile} still holds`
      }.`,
      { ...f },
    );
  }
}

import { OgygiaError } from './OgygiaError.js';

export type ReplayFloorCorruptFields = {
  readonly file: string;
  /** What is wrong: unreadable, not JSON, or the problems against its schema. */
  readonly problem: string;
};

/**
 * The agent's replay floor (`replay-floor.json`) exists but cannot be read as
 * one. Applying anyway could let an older release in again, so the agent
 * applies nothing until the file is restored or removed by an operator.
 */
export class ReplayFloorCorruptError extends OgygiaError<ReplayFloorCorruptFields> {
  readonly code = 'ReplayFloorCorruptError';

  constructor(f: ReplayFloorCorruptFields) {
    super(
      `The replay floor ${f.file} is damaged (${f.problem}), so the agent applies nothing until it is fixed (an older release could be applied again otherwise); ` +
        'restore the file from a backup, or delete it to fall back on the floor recorded in state.json (check that state.json is intact first), ' +
        'and the agent reads it again at its next poll.',
      { file: f.file, problem: f.problem },
    );
  }
}

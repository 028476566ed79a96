import { OgygiaError } from './OgygiaError.js';

/**
 * The agent's replay floor (`replay-floor.json`) exists but cannot be read as
 * one. Applying anyway could let an older release in again, so the agent
 * applies nothing until the file is restored or removed by an operator.
 */
export class ReplayFloorCorruptError extends OgygiaError {
  readonly code = 'ReplayFloorCorruptError';

  constructor(fields: { readonly file: string; readonly problem: string }) {
    super(
      `The replay floor ${fields.file} is damaged (${fields.problem}); the agent applies nothing until it is fixed, so that an older release cannot be applied again. Restore the file from a backup, or delete it to fall back on the floor recorded in state.json (check that state.json is intact first); the agent reads it again at every poll.`,
      { file: fields.file, problem: fields.problem },
    );
  }
}

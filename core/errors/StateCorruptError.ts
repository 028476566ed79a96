import { OgygiaError } from './OgygiaError.js';

/** The agent's state file exists but cannot be read as agent state. */
export class StateCorruptError extends OgygiaError {
  readonly code = 'StateCorruptError';
}

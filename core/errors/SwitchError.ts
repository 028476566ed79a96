import { OgygiaError } from './OgygiaError.js';

/** A system's switch-to-configuration exited with an error. */
export class SwitchError extends OgygiaError {
  readonly code = 'SwitchError';
}

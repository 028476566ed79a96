import { OgygiaError } from './OgygiaError.js';

/** An apply was interrupted (agent stopped or crashed) too often to resume, so it is rolled back. */
export class InterruptedApplyError extends OgygiaError {
  readonly code = 'InterruptedApplyError';
}

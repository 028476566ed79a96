import { OgygiaError } from './OgygiaError.js';

/** An apply step ran longer than its timeout and was stopped. */
export class StepTimeoutError extends OgygiaError {
  readonly code = 'StepTimeoutError';
}

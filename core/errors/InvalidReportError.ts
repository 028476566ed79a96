import { OgygiaError } from './OgygiaError.js';

/** An agent's report does not match the report schema. */
export class InvalidReportError extends OgygiaError {
  readonly code = 'InvalidReportError';
}

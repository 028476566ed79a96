import { OgygiaError } from './OgygiaError.js';

/** The health command failed or timed out after a switch. */
export class HealthCheckError extends OgygiaError {
  readonly code = 'HealthCheckError';
}

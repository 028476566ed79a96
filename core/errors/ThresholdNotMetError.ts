import { OgygiaError } from './OgygiaError.js';

/** Fewer distinct trusted public keys signed than the threshold asks. */
export class ThresholdNotMetError extends OgygiaError {
  readonly code = 'ThresholdNotMetError';
}

import { OgygiaError } from './OgygiaError.js';

/** A release's targets name one host twice (spellings that differ only by case). */
export class DuplicateTargetError extends OgygiaError {
  readonly code = 'DuplicateTargetError';
}

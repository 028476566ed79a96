import { OgygiaError } from './OgygiaError.js';

/** A git operation failed. */
export class GitError extends OgygiaError {
  readonly code = 'GitError';
}

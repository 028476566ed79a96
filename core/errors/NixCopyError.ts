import { OgygiaError } from './OgygiaError.js';

/** nix copy could not fetch the release's closure from any substituter. */
export class NixCopyError extends OgygiaError {
  readonly code = 'NixCopyError';
}

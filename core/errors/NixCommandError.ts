import { OgygiaError } from './OgygiaError.js';

/** A nix command irisd ran failed; `data.stderr` holds what Nix said. */
export class NixCommandError extends OgygiaError {
  readonly code = 'NixCommandError';
}

import { OgygiaError } from './OgygiaError.js';

/** The release has no target for this host and no `*` target. */
export class HostNotTargetedError extends OgygiaError {
  readonly code = 'HostNotTargetedError';
}

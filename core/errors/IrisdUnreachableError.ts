import { OgygiaError } from './OgygiaError.js';

/** The local irisd did not answer; `data.url` is where it was asked. */
export class IrisdUnreachableError extends OgygiaError {
  readonly code = 'IrisdUnreachableError';
}

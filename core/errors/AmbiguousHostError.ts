import { OgygiaError } from './OgygiaError.js';

/** A release names this host only by a look-alike spelling (web01 for web01.example.com): the agent will not guess, nor take "*". */
export class AmbiguousHostError extends OgygiaError {
  readonly code = 'AmbiguousHostError';
}

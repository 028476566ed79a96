import { OgygiaError } from './OgygiaError.js';

/** A configuration file has one or more problems; `data.problems` lists them as `path.to.key: what is wrong`. */
export class ConfigError extends OgygiaError {
  readonly code = 'ConfigError';
}

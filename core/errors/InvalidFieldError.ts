import { OgygiaError } from './OgygiaError.js';
import { itOrThem } from './text.js';

export type InvalidFieldFields = {
  /** The channel file. */
  readonly file: string;
  /** Every problem as `path.to.field: what is wrong`. */
  readonly problems: readonly string[];
};

/** A channel file's field has the wrong type or an impossible value. */
export class InvalidFieldError extends OgygiaError<InvalidFieldFields> {
  readonly code = 'InvalidFieldError';

  constructor(f: InvalidFieldFields) {
    super(`${f.file}: ${f.problems.join('; ')}; correct ${itOrThem(f.problems.length)} and publish the release again with \`ogygia publish\`.`, { ...f });
  }
}

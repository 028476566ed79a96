import { OgygiaError } from './OgygiaError.js';
import { quoted } from './text.js';

export type UnknownFieldFields = {
  readonly file: string;
  /** Dotted path of the object holding them (`release`), `(document)` for the top level. */
  readonly path: string;
  readonly fields: readonly string[];
};

/** A document carries a field its spec does not define. */
export class UnknownFieldError extends OgygiaError<UnknownFieldFields> {
  readonly code = 'UnknownFieldError';

  constructor(f: UnknownFieldFields) {
    super(
      `${f.file}: unknown field ${f.fields.map(quoted).join(', ')} in ${f.path}; spec 1 allows no extra fields, remove ${f.fields.length === 1 ? 'it' : 'them'}.`,
      { ...f },
    );
  }
}

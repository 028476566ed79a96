import { OgygiaError } from './OgygiaError.js';

/** Where a JSON member sits: the file, the dotted path of the object holding it, and its line and column. */
export type JsonMemberAt = {
  readonly file: string;
  /** Dotted path of the object that holds the member (`release.targets`), `(document)` for the top level. */
  readonly path: string;
  readonly member: string;
  readonly line: number;
  readonly column: number;
};

/**
 * A JSON object names the same member twice. Readers disagree on which value
 * counts (JSON.parse keeps the last), so the bytes a reviewer reads may not be
 * what was signed: the document is refused.
 */
export class DuplicateMemberError extends OgygiaError<JsonMemberAt> {
  readonly code = 'DuplicateMemberError';

  constructor(at: JsonMemberAt) {
    super(
      `${at.file}: member ${JSON.stringify(at.member)} of ${at.path} appears a second time at line ${at.line}, column ${at.column}; ` +
        'keep one of them (a reviewer may read the first while the last is what was signed) and sign the release again.',
      { ...at },
    );
  }
}

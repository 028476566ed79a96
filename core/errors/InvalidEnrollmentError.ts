import { OgygiaError } from './OgygiaError.js';

export type InvalidEnrollmentFields = {
  /** The enrollment file as the reader names it: `hosts.toml`, `hosts.toml at 3b1c2d4e5f6a`. */
  readonly file: string;
  /** Every problem as `path.to.key: what is wrong`. */
  readonly problems: readonly string[];
};

/** The channels repository's hosts.toml (DESIGN.md §11) cannot be used. */
export class InvalidEnrollmentError extends OgygiaError<InvalidEnrollmentFields> {
  readonly code = 'InvalidEnrollmentError';

  constructor(f: InvalidEnrollmentFields) {
    const more = f.problems.length > 1 ? ` and ${f.problems.length - 1} more` : '';
    super(`${f.file} cannot be used (${f.problems[0] ?? 'no detail'}${more}); fix it by a pull request, \`ogygia verify\` lists every problem.`, {
      ...f,
      problems: [...f.problems],
    });
  }
}

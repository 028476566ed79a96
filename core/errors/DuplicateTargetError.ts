import { OgygiaError } from './OgygiaError.js';

export type DuplicateTargetFields = {
  readonly file: string;
  /** Two target keys that are the same host name (they differ only by case). */
  readonly hosts: readonly [string, string];
};

/** A release's targets name one host twice (spellings that differ only by case). */
export class DuplicateTargetError extends OgygiaError<DuplicateTargetFields> {
  readonly code = 'DuplicateTargetError';

  constructor(f: DuplicateTargetFields) {
    super(`${f.file}: targets ${JSON.stringify(f.hosts[0])} and ${JSON.stringify(f.hosts[1])} name the same host (names compare ignoring case); keep one of them.`, {
      ...f,
    });
  }
}

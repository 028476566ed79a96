import { OgygiaError } from './OgygiaError.js';
import { quoted } from './text.js';

export type InvalidQueryFields = {
  /** The query parameter (`?state=`, `?channel=`, `?q=`, `?page=`) or path part (`host`) of a dashboard page. */
  readonly parameter: 'state' | 'channel' | 'q' | 'page' | 'host';
  /** The value as given. */
  readonly value: string;
  /** What it must be, as a phrase: "one of in-sync, pending, ...". */
  readonly expected: string;
};

/** A dashboard page was asked for with a filter, search or page value off its form. */
export class InvalidQueryError extends OgygiaError<InvalidQueryFields> {
  readonly code = 'InvalidQueryError';

  constructor(f: InvalidQueryFields) {
    super(`${f.parameter} ${quoted(f.value)} is not ${f.expected}; follow a link on the dashboard (/) or correct the address.`, { ...f });
  }
}

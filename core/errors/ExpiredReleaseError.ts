import { OgygiaError } from './OgygiaError.js';

export type ExpiredReleaseFields = {
  readonly channel: string;
  readonly revision: number;
  readonly expiresAt: string;
};

/** The release is past its expiresAt (a freeze attack, or a release nobody renewed). */
export class ExpiredReleaseError extends OgygiaError<ExpiredReleaseFields> {
  readonly code = 'ExpiredReleaseError';

  constructor(f: ExpiredReleaseFields) {
    super(`${f.channel}#${f.revision} expired at ${f.expiresAt}; publish a fresh release (or renew it) before hosts will take it.`, { ...f });
  }
}

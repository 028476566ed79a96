import { OgygiaError } from './OgygiaError.js';

export type NotYetValidFields = {
  readonly channel: string;
  readonly revision: number;
  readonly issuedAt: string;
  /** The verifier's clock when it refused. */
  readonly now: string;
};

/** A release was issued more than an hour ahead of this machine's clock. */
export class NotYetValidError extends OgygiaError<NotYetValidFields> {
  readonly code = 'NotYetValidError';

  constructor(f: NotYetValidFields) {
    super(
      `${f.channel}#${f.revision} was issued at ${f.issuedAt}, more than an hour after this machine's clock (${f.now}); ` +
        `fix the clock of whichever machine is wrong (NTP), and republish if it was the signer's.`,
      { ...f },
    );
  }
}

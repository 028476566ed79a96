import { OgygiaError } from './OgygiaError.js';

export type WebhookRateLimitedFields = {
  /** Sent as Retry-After. */
  readonly retryAfterSeconds: number;
};

/** Validly signed push webhooks arrived faster than the reconciler fetches for them; the git server should retry later. */
export class WebhookRateLimitedError extends OgygiaError<WebhookRateLimitedFields> {
  readonly code = 'WebhookRateLimitedError';

  constructor(f: WebhookRateLimitedFields) {
    super(
      `Push webhooks are arriving faster than the reconciler fetches for them; it fetches on its own every poll interval, retry in ${f.retryAfterSeconds} s.`,
      { ...f },
    );
  }
}

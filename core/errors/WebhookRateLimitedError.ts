import { OgygiaError } from './OgygiaError.js';

/** Validly signed push webhooks arrived faster than the reconciler fetches for them; the git server should retry later. */
export class WebhookRateLimitedError extends OgygiaError {
  readonly code = 'WebhookRateLimitedError';
}

import { OgygiaError } from './OgygiaError.js';

/** A push webhook carried no valid X-Hub-Signature-256 HMAC for the configured secret. */
export class WebhookSignatureError extends OgygiaError {
  readonly code = 'WebhookSignatureError';
}

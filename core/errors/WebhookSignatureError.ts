import { OgygiaError } from './OgygiaError.js';

export type WebhookSignatureFields = {
  /** Whether the request carried an X-Hub-Signature-256 header at all. */
  readonly signed: boolean;
};

/** A push webhook carried no valid X-Hub-Signature-256 HMAC for the configured secret. */
export class WebhookSignatureError extends OgygiaError<WebhookSignatureFields> {
  readonly code = 'WebhookSignatureError';

  constructor(f: WebhookSignatureFields) {
    super(
      f.signed
        ? 'The webhook has no valid X-Hub-Signature-256 for the configured secret; set the same secret in the git server.'
        : 'The webhook has no X-Hub-Signature-256 header; set the configured secret in the git server so it signs its deliveries.',
      { ...f },
    );
  }
}

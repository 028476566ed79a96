import { OgygiaError } from './OgygiaError.js';

export type BadSignatureFields = {
  /** The key name the signature claims. */
  readonly key: string;
  readonly channel: string;
};

/** A signature does not verify against the key it names. */
export class BadSignatureError extends OgygiaError<BadSignatureFields> {
  readonly code = 'BadSignatureError';

  constructor(f: BadSignatureFields) {
    super(`Signature by ${f.key} does not verify: the release was changed after signing or signed with another key; sign it again.`, { ...f });
  }
}

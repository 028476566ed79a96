import { OgygiaError } from './OgygiaError.js';

export type UnknownKeyFields = {
  /** The key name the signature claims. */
  readonly key: string;
  readonly channel: string;
};

/** A signature names a key the trust policy does not hold. */
export class UnknownKeyError extends OgygiaError<UnknownKeyFields> {
  readonly code = 'UnknownKeyError';

  constructor(f: UnknownKeyFields) {
    super(`Signature by ${f.key} is not from a trusted key; pin that public key in the trust policy or drop the signature.`, { ...f });
  }
}

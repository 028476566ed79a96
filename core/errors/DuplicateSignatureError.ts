import { OgygiaError } from './OgygiaError.js';

export type DuplicateSignatureFields =
  /** A signed release holds two signatures by one key (`existing` is the other entry's name when it differs). */
  | {
      readonly when: 'signed';
      readonly channel: string;
      readonly revision: number;
      /** The channel file, when the release was read from one. */
      readonly file?: string;
      readonly key: string;
      readonly existing?: string;
      readonly publicKey?: string;
    }
  /** `ogygia approve` with a key that already signed the release (as `existing`). */
  | { readonly when: 'approving'; readonly channel: string; readonly revision: number; readonly key: string; readonly existing: string };

/** Two signatures come from the same key: one key counts once. */
export class DuplicateSignatureError extends OgygiaError<DuplicateSignatureFields> {
  readonly code = 'DuplicateSignatureError';

  constructor(f: DuplicateSignatureFields) {
    const release = `Release ${f.channel}#${f.revision}`;
    let message: string;
    if (f.when === 'approving') {
      message = `${release} is already signed by this key (as ${f.existing}); one key counts once, so ask another key holder to approve.`;
    } else {
      const where = f.file ?? release;
      message =
        f.existing === undefined || f.existing === f.key
          ? `${where}: key ${f.key} signed twice; one key counts once, so ask a second key holder to approve instead.`
          : `${where}: signatures ${f.existing} and ${f.key} come from the same public key and count once; ask another key holder to approve.`;
    }
    super(message, { ...f });
  }
}

import { OgygiaError } from './OgygiaError.js';

export type NoTrustPolicyFields =
  /** A trust config with no keys for this channel. */
  | { readonly channel: string }
  /** `ogygia verify` found no ogygia.toml at the commit it takes the policy from (`base` or HEAD). */
  | { readonly repo: string; readonly ref: string; readonly isBase: boolean };

/** No trust policy covers a channel. */
export class NoTrustPolicyError extends OgygiaError<NoTrustPolicyFields> {
  readonly code = 'NoTrustPolicyError';

  constructor(f: NoTrustPolicyFields) {
    super(
      'channel' in f
        ? `No trusted keys are configured for channel ${f.channel}; add its public keys under [trust] (or [channels.${f.channel}] in ogygia.toml).`
        : `No trust policy: ${f.repo} has no ogygia.toml at ${f.isBase ? `base ${f.ref}` : f.ref}; ` +
            'commit one ([channels.<name>] keys = [...], threshold = N) or pass --trust FILE.',
      { ...f },
    );
  }
}

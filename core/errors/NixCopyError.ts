import { OgygiaError } from './OgygiaError.js';
import { said } from './text.js';

/** One substituter `nix copy` tried. */
export type NixCopyAttempt = {
  readonly substituter: string;
  readonly exitCode: number | null;
  /** The line of its output that says why, null when it printed nothing. */
  readonly cause: string | null;
};

export type NixCopyFields =
  /** No substituter to copy from, and the path is not in the local store either. */
  | { readonly reason: 'no-substituter'; readonly storePath: string; readonly cause: string | null; readonly outputTail: string }
  /** Every substituter failed. */
  | {
      readonly reason: 'copy-failed';
      readonly storePath: string;
      readonly attempts: readonly NixCopyAttempt[];
      readonly cause: string | null;
      readonly outputTail: string;
    };

/** nix copy could not fetch the release's closure from any substituter. */
export class NixCopyError extends OgygiaError<NixCopyFields & { readonly substituters?: readonly string[] }> {
  readonly code = 'NixCopyError';

  constructor(f: NixCopyFields) {
    super(
      f.reason === 'no-substituter'
        ? `${f.storePath} is not in the local store (nix-store ${said(f.cause)}) and neither the release nor [nix] substituters name a binary cache; add one to [nix] substituters.`
        : `nix copy could not fetch ${f.storePath} (${f.attempts.map((a) => `${a.substituter}: exit ${a.exitCode ?? 'by a signal'}, ${said(a.cause)}`).join('; ')}); ` +
            'check that the closure is in the cache and signed by a key in trusted-public-keys.',
      f.reason === 'copy-failed' ? { ...f, substituters: f.attempts.map((a) => a.substituter) } : { ...f },
    );
  }
}

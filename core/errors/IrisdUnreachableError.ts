import { OgygiaError } from './OgygiaError.js';

export type IrisdUnreachableFields =
  /** No answer at all. */
  | { readonly reason: 'no-answer'; readonly url: string; readonly cause: string }
  /** irisd refused `ogygia iris push` (it takes pushes from its own host only). */
  | { readonly reason: 'push-refused'; readonly url: string; readonly status: number; readonly detail?: string }
  /** Any other error status. */
  | { readonly reason: 'status'; readonly url: string; readonly status: number };

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url; // not a URL: show it as given
  }
}

/** The local irisd did not answer, or refused; `data.url` is where it was asked. */
export class IrisdUnreachableError extends OgygiaError<IrisdUnreachableFields> {
  readonly code = 'IrisdUnreachableError';

  constructor(f: IrisdUnreachableFields) {
    super(
      f.reason === 'no-answer'
        ? `irisd at ${origin(f.url)} did not answer (${f.cause}); check that it runs, or pass --url.`
        : f.reason === 'push-refused'
          ? `irisd at ${f.url} refused the push (HTTP ${f.status}: ${f.detail ?? 'no detail'}); run the push on the irisd host itself.`
          : `irisd at ${f.url} answered HTTP ${f.status}; check its log.`,
      { ...f },
    );
  }
}

import { OgygiaError } from './OgygiaError.js';

type At = {
  /** The reconciler's base URL, as the operator gave it. */
  readonly url: string;
  /** The route asked, e.g. `/v1/channels`. */
  readonly route: string;
};

export type ReconcilerUnavailableFields =
  /** No answer within the timeout (refused, unresolvable, too slow). */
  | (At & { readonly reason: 'unreachable'; readonly timeoutSeconds: number; readonly cause: string })
  /** An HTTP error status. */
  | (At & { readonly reason: 'status'; readonly status: number })
  /** A body that is not JSON. */
  | (At & { readonly reason: 'not-json' })
  /** JSON off the route's schema in core/wire/. */
  | (At & { readonly reason: 'shape'; readonly problems: readonly string[] });

function sentence(f: ReconcilerUnavailableFields): string {
  const at = `The reconciler at ${JSON.stringify(f.url)}`;
  switch (f.reason) {
    case 'unreachable':
      return `${at} did not answer ${f.route} within ${f.timeoutSeconds}s (${f.cause}); check that it runs and that the URL (--reconciler) is right.`;
    case 'status':
      return `${at} answered ${f.route} with HTTP ${f.status}; check that the URL (--reconciler) names a reconciler, and its log.`;
    case 'not-json':
      return `${at} answered ${f.route} with something that is not JSON; check that the URL (--reconciler) names a reconciler and not another service.`;
    case 'shape': {
      const shown = f.problems.slice(0, 3).join('; ') + (f.problems.length > 3 ? `; and ${f.problems.length - 3} more` : '');
      return `${at} answered ${f.route} in a shape this ogygia does not know (${shown}); upgrade ogygia or the reconciler so they match.`;
    }
  }
}

/**
 * An operator command (`ogygia rollout status`) could not read a
 * reconciler's answer: no answer, an error status, or a body off its
 * core/wire/ schema. Nothing is shown from a body that did not parse.
 */
export class ReconcilerUnavailableError extends OgygiaError<ReconcilerUnavailableFields> {
  readonly code = 'ReconcilerUnavailableError';

  constructor(f: ReconcilerUnavailableFields) {
    super(sentence(f), f.reason === 'shape' ? { ...f, problems: f.problems.slice(0, 10) } : { ...f });
  }
}

import { OgygiaError } from './OgygiaError.js';

export type NotFoundFields =
  /** No route for a method and path. */
  | { readonly what: 'route'; readonly method: string; readonly path: string }
  /** The push webhook route, while no webhook secret is configured. */
  | { readonly what: 'webhook' }
  /** A path under the git mirror that git's smart HTTP does not use. */
  | { readonly what: 'git-path'; readonly path: string; readonly prefix: string }
  /** A dashboard host page for a host with no kept report. */
  | { readonly what: 'host'; readonly host: string };

/** A route or resource does not exist. */
export class NotFoundError extends OgygiaError<NotFoundFields> {
  readonly code = 'NotFoundError';

  constructor(f: NotFoundFields) {
    super(
      f.what === 'route'
        ? `No route ${f.method} ${f.path}; see docs/api.md for the routes.`
        : f.what === 'webhook'
          ? 'The push webhook is off; set [webhook] secret_file in reconciler.toml to turn it on.'
          : f.what === 'git-path'
            ? `No such git path ${f.path}; clone ${f.prefix} with git.`
            : `No report from host ${f.host} is kept; check the name on the dashboard (/?q=...) or wait for its agent to report.`,
      { ...f },
    );
  }
}

import { OgygiaError } from './OgygiaError.js';

export type InvalidReportFields =
  /** Off the report schema (core/wire/report.ts): every problem as `path: what is wrong`. */
  | { readonly reason: 'schema'; readonly problems: readonly string[] }
  /** Posted under one host's URL but naming another host. */
  | { readonly reason: 'host'; readonly host: string; readonly reported: string };

/** An agent's report does not match the report schema. */
export class InvalidReportError extends OgygiaError<InvalidReportFields> {
  readonly code = 'InvalidReportError';

  constructor(f: InvalidReportFields) {
    super(
      f.reason === 'schema'
        ? `The report does not match the report schema (${f.problems.join('; ')}); fix the agent or upgrade it.`
        : `The report names host ${f.reported} but was posted for ${f.host}; post it to /v1/hosts/${f.reported}/reports.`,
      { ...f },
    );
  }
}

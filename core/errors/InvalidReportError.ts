import { OgygiaError } from './OgygiaError.js';

export type InvalidReportFields = (
  /** Off the report schema (core/wire/report.ts): every problem as `path: what is wrong`. */
  | { readonly reason: 'schema'; readonly problems: readonly string[] }
  /** Posted under one host's URL but naming another host. */
  | { readonly reason: 'host'; readonly host: string; readonly reported: string }
) & {
  /** What was posted: a report (the default), or a reboot-slot request (core/wire/reboot-slot.ts). */
  readonly body?: 'report' | 'reboot-slot';
};

/** An agent's report does not match the report schema. */
export class InvalidReportError extends OgygiaError<InvalidReportFields> {
  readonly code = 'InvalidReportError';

  constructor(f: InvalidReportFields) {
    const what = f.body === 'reboot-slot' ? 'reboot-slot request' : 'report';
    const route = f.body === 'reboot-slot' ? 'reboot-slot' : 'reports';
    super(
      f.reason === 'schema'
        ? `The ${what} does not match the ${what} schema (${f.problems.join('; ')}); fix the agent or upgrade it.`
        : `The ${what} names host ${f.reported} but was posted for ${f.host}; post it to /v1/hosts/${f.reported}/${route}.`,
      { ...f },
    );
  }
}

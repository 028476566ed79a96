import { OgygiaError } from './OgygiaError.js';

export type InterruptedApplyFields = {
  readonly revision: number;
  /** The phase the apply was in when it was interrupted. */
  readonly phase: string;
  /** How many times it was interrupted, this time included. */
  readonly times: number;
  /** Why recovery rolls back instead of resuming (agent/plan.ts). */
  readonly reason: string;
};

/** An apply was interrupted (agent stopped or crashed) too often to resume, so it is rolled back. */
export class InterruptedApplyError extends OgygiaError<InterruptedApplyFields> {
  readonly code = 'InterruptedApplyError';

  constructor(f: InterruptedApplyFields) {
    super(`The apply of revision ${f.revision} was interrupted ${f.times} time(s) during ${f.phase}; it is rolled back and quarantined, publish a fixed release.`, {
      ...f,
    });
  }
}

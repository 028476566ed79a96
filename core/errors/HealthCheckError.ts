import { OgygiaError } from './OgygiaError.js';
import { exitStatus, said } from './text.js';

export type HealthCheckFields = {
  readonly command: string;
  /** null when a signal ended it. */
  readonly exitCode: number | null;
  /** The line of its output that says why (agent/executor/cause-line.ts), null when it printed nothing. */
  readonly cause: string | null;
  readonly outputTail: string;
};

/** The health command failed after a switch. */
export class HealthCheckError extends OgygiaError<HealthCheckFields> {
  readonly code = 'HealthCheckError';

  constructor(f: HealthCheckFields) {
    super(`The health command exited with ${exitStatus(f.exitCode)} and ${said(f.cause)}; the new system is rolled back, fix the release and publish a new one.`, {
      ...f,
    });
  }
}

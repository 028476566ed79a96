import { OgygiaError } from './OgygiaError.js';
import { exitStatus, said } from './text.js';

export type SwitchFields = {
  readonly storePath: string;
  readonly action: 'switch' | 'boot' | 'test';
  /** null when a signal ended it. */
  readonly exitCode: number | null;
  /** The line of its output that says why, null when it printed nothing. */
  readonly cause: string | null;
  readonly outputTail: string;
};

/** A system's switch-to-configuration exited with an error. */
export class SwitchError extends OgygiaError<SwitchFields> {
  readonly code = 'SwitchError';

  constructor(f: SwitchFields) {
    super(
      `switch-to-configuration ${f.action} of ${f.storePath} exited with ${exitStatus(f.exitCode)} and ${said(f.cause)}; fix the configuration and publish a new release.`,
      { ...f },
    );
  }
}

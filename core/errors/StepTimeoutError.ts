import { OgygiaError } from './OgygiaError.js';

/** The agent's steps that run a program with a time limit. */
export type TimedStep = 'nix copy' | 'nix-env --set' | `switch-to-configuration ${'switch' | 'boot' | 'test'}`;

type Output = {
  readonly limitSeconds: number;
  /** The line of its output that says why, null when it printed nothing. */
  readonly cause: string | null;
  readonly outputTail: string;
};

export type StepTimeoutFields =
  /** The health command after a switch. */
  | ({ readonly step: 'health'; readonly command: string } & Output)
  /** A Nix step of the apply. */
  | ({ readonly step: TimedStep; readonly storePath: string } & Output);

/** An apply step ran longer than its timeout and was stopped. */
export class StepTimeoutError extends OgygiaError<StepTimeoutFields> {
  readonly code = 'StepTimeoutError';

  constructor(f: StepTimeoutFields) {
    const within = `within ${Math.round(f.limitSeconds)} s`;
    const last = `its last output: ${f.cause ?? 'none'}`;
    super(
      f.step === 'health'
        ? `The health command did not finish ${within} (${last}); the new system is treated as unhealthy and rolled back, fix it or raise [health] timeout_seconds.`
        : `${f.step} of ${f.storePath} did not finish ${within} and was stopped (${last}); check the network and the substituter, or raise the timeout in [nix].`,
      { ...f },
    );
  }
}

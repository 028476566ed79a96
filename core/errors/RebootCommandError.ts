import { OgygiaError } from './OgygiaError.js';
import { exitStatus, said } from './text.js';

export type RebootCommandFields = {
  readonly command: string;
  /** null when a signal ended it or it timed out. */
  readonly exitCode: number | null;
  /** The line of its output that says why, null when it printed nothing. */
  readonly cause: string | null;
  readonly outputTail: string;
};

/** The `[reboot] command` failed: the host still runs the old kernel. */
export class RebootCommandError extends OgygiaError<RebootCommandFields> {
  readonly code = 'RebootCommandError';

  constructor(f: RebootCommandFields) {
    super(
      `The reboot command exited with ${exitStatus(f.exitCode)} and ${said(f.cause)}; the host still needs a reboot: fix [reboot] command in agent.toml (the agent tries again at its next poll inside the window), or reboot it by hand.`,
      { ...f },
    );
  }
}

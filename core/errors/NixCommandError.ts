import { OgygiaError } from './OgygiaError.js';
import { exitStatus } from './text.js';

export type NixCommandFields = {
  /** The arguments after `nix`. */
  readonly args: readonly string[];
  readonly exitCode: number | null;
  /** The end of what Nix printed on stderr. */
  readonly stderr: string;
};

/** A nix command irisd ran failed; `data.stderr` holds what Nix said. */
export class NixCommandError extends OgygiaError<NixCommandFields> {
  readonly code = 'NixCommandError';

  constructor(f: NixCommandFields) {
    const command = ['nix', ...f.args.slice(0, 2)].join(' ');
    super(`${command} failed (exit ${exitStatus(f.exitCode)}); check that Nix works and the store root exists.`, { ...f });
  }
}

import { OgygiaError } from './OgygiaError.js';
import { quoted } from './text.js';

export type InvalidStorePathFields = {
  /** Where the value came from: an option (`--store-path`), a command, a field. */
  readonly where: string;
  readonly value: string;
};

/** A store path does not match the Nix store path syntax. */
export class InvalidStorePathError extends OgygiaError<InvalidStorePathFields> {
  readonly code = 'InvalidStorePathError';

  constructor(f: InvalidStorePathFields) {
    super(
      `${f.where}: ${quoted(f.value)} is not a Nix store path (/nix/store/<32 nix32 chars>-<name>); pass the path printed by nix-build or \`readlink -f result\`.`,
      { ...f },
    );
  }
}

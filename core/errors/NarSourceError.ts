import { OgygiaError } from './OgygiaError.js';

export type NarSourceFields =
  /** A file got shorter while irisd was archiving it. */
  | { readonly reason: 'shrank'; readonly path: string }
  /** A socket, FIFO or device node: a NAR holds only files, directories and symlinks. */
  | { readonly reason: 'special-file'; readonly path: string };

/** irisd cannot archive a local store path as a NAR: what is on disk is not what the store promises. */
export class NarSourceError extends OgygiaError<NarSourceFields> {
  readonly code = 'NarSourceError';

  constructor(f: NarSourceFields) {
    super(
      f.reason === 'shrank'
        ? `${f.path} shrank while it was being archived; something changes the store behind Nix, check it with \`nix-store --verify --check-contents\`.`
        : `${f.path} is neither a file, a directory nor a symlink, so a NAR cannot hold it; check the store with \`nix-store --verify --check-contents\`.`,
      { ...f },
    );
  }
}

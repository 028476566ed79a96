import { dirname } from 'node:path';
import { OgygiaError } from './OgygiaError.js';

export type StateWriteFields = {
  readonly file: string;
  /** The errno code (ENOSPC, EROFS, EACCES), or `error` when there was none. */
  readonly errno: string;
};

/** A durable state file could not be written (disk full, read-only, permissions). */
export class StateWriteError extends OgygiaError<StateWriteFields> {
  readonly code = 'StateWriteError';

  constructor(f: StateWriteFields) {
    super(
      `Cannot write the agent state ${f.file} (${f.errno}); free space or fix permissions in ${dirname(f.file)}, as the agent applies nothing it cannot record.`,
      { ...f },
    );
  }
}

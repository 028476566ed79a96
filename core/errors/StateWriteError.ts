import { dirname } from 'node:path';
import { OgygiaError } from './OgygiaError.js';

export type StateWriteFields = {
  /** Whose durable state: the agent's (state.json, replay-floor.json), its report sequence (report-seq.json) or the reconciler's (served.json). */
  readonly owner: 'agent' | 'report-seq' | 'reconciler';
  readonly file: string;
  /** The errno code (ENOSPC, EROFS, EACCES), or `error` when there was none. */
  readonly errno: string;
};

const OWNERS = {
  agent: { what: 'the agent state', stake: 'the agent applies nothing it cannot record' },
  'report-seq': { what: "the agent's report sequence number", stake: 'the agent sends no report it cannot number' },
  reconciler: { what: "the reconciler's served state", stake: 'the reconciler serves no new head it cannot record' },
} as const;

/** A durable state file could not be written (disk full, read-only, permissions). */
export class StateWriteError extends OgygiaError<StateWriteFields> {
  readonly code = 'StateWriteError';

  constructor(f: StateWriteFields) {
    const o = OWNERS[f.owner];
    super(`Cannot write ${o.what} ${f.file} (${f.errno}); free space or fix permissions in ${dirname(f.file)}, as ${o.stake}.`, { ...f });
  }
}

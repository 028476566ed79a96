import { OgygiaError } from './OgygiaError.js';

export type HostNotTargetedFields = {
  readonly channel: string;
  readonly revision: number;
  readonly host: string;
  /** The targets the release has. */
  readonly targets: readonly string[];
};

/** The release has no target for this host and no `*` target. */
export class HostNotTargetedError extends OgygiaError<HostNotTargetedFields> {
  readonly code = 'HostNotTargetedError';

  constructor(f: HostNotTargetedFields) {
    super(`${f.channel}#${f.revision} has no target for host ${f.host} and no "*" target; add one to the release or check host in the agent config.`, { ...f });
  }
}

import { OgygiaError } from './OgygiaError.js';
import { quoted } from './text.js';

export type TooManyHostsFields = {
  /** The new host the report was posted for. */
  readonly host: string;
  /** `[reports] max_hosts`. */
  readonly maxHosts: number;
};

/** A report from a host the reconciler does not know yet, while it already keeps `[reports] max_hosts` hosts. */
export class TooManyHostsError extends OgygiaError<TooManyHostsFields> {
  readonly code = 'TooManyHostsError';

  constructor(f: TooManyHostsFields) {
    super(
      `The reconciler already keeps reports for ${f.maxHosts} hosts ([reports] max_hosts), so the report for the new host ${quoted(f.host)} is kept nowhere; ` +
        `raise max_hosts if the fleet is that large, or find out who posts reports for unknown hosts (enroll hosts with hosts.toml to stop that).`,
      { ...f },
    );
  }
}

import { OgygiaError } from './OgygiaError.js';
import { quoted } from './text.js';

export type InvalidHostNameFields =
  /** A release target in a channel file. */
  | { readonly role: 'target'; readonly host: string; readonly file: string }
  /** This machine's own name (`ogygia report`, the agent's fleet publisher). */
  | { readonly role: 'this-host'; readonly host: string }
  /** The host a report was posted for. */
  | { readonly role: 'report'; readonly host: string }
  /** The `?host=` an agent named itself with when asking for its channel's head. */
  | { readonly role: 'query'; readonly host: string };

/** A host name is neither a valid host name nor (for a target) `*`. */
export class InvalidHostNameError extends OgygiaError<InvalidHostNameFields> {
  readonly code = 'InvalidHostNameError';

  constructor(f: InvalidHostNameFields) {
    const name = quoted(f.host);
    super(
      f.role === 'target'
        ? `${f.file}: target ${name} is not a host name or "*"; name hosts as they name themselves.`
        : f.role === 'this-host'
          ? `${name} is not a valid host name; set OGYGIA_HOSTNAME or fix the host name before publishing.`
          : f.role === 'query'
            ? `?host=${name} is not a host name; ask under the name the host has (the agent's host setting).`
            : `${name} is not a host name; report under the name the host has.`,
      { ...f },
    );
  }
}

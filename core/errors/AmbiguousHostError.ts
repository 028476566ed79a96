import { OgygiaError } from './OgygiaError.js';

export type AmbiguousHostFields = {
  readonly channel: string;
  readonly revision: number;
  /** This host's name. */
  readonly host: string;
  /** The targets that only look like it (a shorter or longer form of the name). */
  readonly targets: readonly string[];
};

/** A release names this host only by a look-alike spelling (web01 for web01.example.com): the agent will not guess, nor take "*". */
export class AmbiguousHostError extends OgygiaError<AmbiguousHostFields> {
  readonly code = 'AmbiguousHostError';

  constructor(f: AmbiguousHostFields) {
    super(
      `${f.channel}#${f.revision} names this host ${f.host} only as ${f.targets.map((t) => JSON.stringify(t)).join(' and ')}, which looks like it but is not the same name; ` +
        `spell the target exactly as the host names itself, or set host in the agent config to the name the release uses.`,
      { ...f },
    );
  }
}

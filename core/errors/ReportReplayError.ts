import { OgygiaError } from './OgygiaError.js';

export type ReportReplayFields = {
  /** The host the report was posted for. */
  readonly host: string;
  /** The report's `seq`, or null when it has none. */
  readonly seq: number | null;
  /** The `seq` of the last report kept for the host (signed by the same key), or null when none is kept. */
  readonly last: number | null;
};

/** A signed report whose `seq` is missing or not above the last one kept for its host: a replay, or a report out of order. */
export class ReportReplayError extends OgygiaError<ReportReplayFields> {
  readonly code = 'ReportReplayError';

  constructor(f: ReportReplayFields) {
    super(
      f.seq === null
        ? `The report for ${f.host} carries no seq, so a replay of it could not be told apart; upgrade the agent (its signed reports carry a growing seq).`
        : `The report for ${f.host} has seq ${f.seq}, not above seq ${f.last ?? 0} already kept, so it is a replay or came out of order; nothing was kept, and the agent's next report carries a higher seq.`,
      { ...f },
    );
  }
}

import { OgygiaError } from './OgygiaError.js';

export type RolloutStateCorruptFields = {
  /** The file (`rollouts.json`) or etcd key that holds the rollout progress. */
  readonly where: string;
  /** What is wrong: not JSON, or the first problems against its schema. */
  readonly problem: string;
};

/**
 * The reconciler's persisted rollout progress exists but cannot be read.
 * Starting as if no rollout were under way could open every wave at once (or
 * withhold a release from hosts that already had it), so the reconciler stops
 * until an operator restores or removes it.
 */
export class RolloutStateCorruptError extends OgygiaError<RolloutStateCorruptFields> {
  readonly code = 'RolloutStateCorruptError';

  constructor(f: RolloutStateCorruptFields) {
    super(
      `The reconciler's rollout progress in ${f.where} is damaged (${f.problem}); restore it from a backup, or delete it to start every ` +
        "channel's rollout again from its first wave.",
      { ...f },
    );
  }
}

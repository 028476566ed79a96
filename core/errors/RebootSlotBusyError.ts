import { OgygiaError } from './OgygiaError.js';

export type RebootSlotBusyFields = {
  readonly host: string;
  readonly channel: string;
  /** `[rollout] max_concurrent_reboots` of the reconciler. */
  readonly max: number;
  /** The hosts of the channel holding a slot now. */
  readonly holders: readonly string[];
  readonly retryAfterSeconds: number;
};

/** The reconciler refused a reboot slot: as many hosts of the channel as allowed are rebooting. */
export class RebootSlotBusyError extends OgygiaError<RebootSlotBusyFields> {
  readonly code = 'RebootSlotBusyError';

  constructor(f: RebootSlotBusyFields) {
    super(
      `${f.max} host(s) of channel ${f.channel} are rebooting (${f.holders.join(', ')}); ${f.host} asks again in ${f.retryAfterSeconds} s, nothing to do (raise [rollout] max_concurrent_reboots to reboot more at once).`,
      { ...f, holders: [...f.holders] },
    );
  }
}

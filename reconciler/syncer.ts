import { InternalError } from '../core/errors/index.js';
import type { Logger } from '../core/log.js';
import type { TrustConfig } from '../core/trust.js';
import { selectHeads, type Selection, type ServedState } from './heads.js';
import type { ReconcilerMetrics } from './metrics.js';
import { collectSnapshot } from './mirror/collect.js';
import { setServedRef } from './mirror/repo.js';

/**
 * The pipeline, one run at a time: fetch the branch → collect the snapshot →
 * select heads (pure) → persist → move the mirror's branch → `served` (the
 * enrollment follows the served branch commit) → announce. A
 * request during a run queues exactly one more run, so no push is missed.
 */
export interface SyncDeps {
  readonly fetch: () => Promise<string>;
  readonly gitdir: string;
  readonly branch: string;
  readonly trust: TrustConfig;
  readonly persist: (state: ServedState) => Promise<void>;
  readonly announce: (selection: Selection) => void;
  /** A new served state, before it is in force (the enrollment is read at its branch commit). */
  readonly served?: (state: ServedState) => Promise<void>;
  readonly metrics: ReconcilerMetrics;
  readonly log: Logger;
  readonly now?: () => Date;
}

export interface Syncer {
  readonly state: ServedState;
  /** When the last run ended and how. */
  readonly last: { readonly at?: string; readonly error?: { code: string; message: string } };
  sync(reason: string): Promise<void>;
  /** Resolves once no run is going or queued. */
  idle(): Promise<void>;
}

export function createSyncer(deps: SyncDeps, initial: ServedState): Syncer {
  let state = initial;
  let last: Syncer['last'] = {};
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const now = deps.now ?? (() => new Date());

  const run = async (reason: string): Promise<void> => {
    const end = deps.metrics.fetchDuration.startTimer();
    try {
      const commit = await deps.fetch();
      if (commit === state.branchCommit) {
        last = { at: now().toISOString() };
        return;
      }
      const snap = await collectSnapshot(deps.gitdir, commit, state);
      const selection = selectHeads(state, snap, deps.trust, now());
      if (selection.state !== state) {
        await deps.persist(selection.state);
        if (selection.state.branchCommit) await setServedRef(deps.gitdir, deps.branch, selection.state.branchCommit);
        // Before the new state shows anywhere: a served commit and its enrollment change together.
        await deps.served?.(selection.state);
        state = selection.state;
      }
      deps.metrics.observeState(state);
      for (const c of selection.changed) {
        const h = state.heads[c]!;
        deps.log.info(`serving ${c} revision ${h.revision} (${h.digest.slice(0, 19)}…) from commit ${h.commit.slice(0, 12)}`, { reason });
      }
      for (const { channel, refusal } of selection.refused) {
        deps.metrics.refusals.inc({ channel, code: refusal.code });
        deps.log.warn(`refused ${channel === '*' ? 'branch head' : channel} at ${refusal.commit.slice(0, 12)}: ${refusal.message} [${refusal.code}]`);
      }
      deps.announce(selection);
      last = { at: now().toISOString() };
    } catch (e) {
      deps.metrics.fetchErrors.inc();
      // Fetch and git failures are GitErrors, a full disk a StateWriteError; anything else is a bug.
      const failure = InternalError.wrap(e, `sync (${reason})`);
      const err = { code: failure.code, message: failure.message };
      last = { at: now().toISOString(), error: err };
      deps.log.error(`sync (${reason}) failed: ${err.message} [${err.code}]`);
    } finally {
      end();
    }
  };

  return {
    get state() {
      return state;
    },
    get last() {
      return last;
    },
    sync(reason) {
      if (!running) {
        running = run(reason).finally(() => {
          running = undefined;
        });
        return running;
      }
      queued ??= running.then(() => {
        queued = undefined;
        return this.sync(reason);
      });
      return queued;
    },
    async idle() {
      while (queued || running) await (queued ?? running);
    },
  };
}

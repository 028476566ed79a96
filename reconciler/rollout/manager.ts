import { describeRollout, type Rollout } from '../../core/rollout.js';
import { parseChannelDocument } from '../../core/release.js';
import type { Logger } from '../../core/log.js';
import { RolloutStateCorruptError } from '../../core/errors/index.js';
import type { RolloutProgress } from '../../core/wire/channel-list.js';
import type { ServedHead, ServedState } from '../heads.js';
import { evaluate, hostPlace, knownHosts, progressView, releaseFor, startRecord, type HostPlace, type HostReport, type RolloutEvent } from './engine.js';
import type { RolloutRecord } from './record.js';
import type { RolloutStore } from './store.js';

/**
 * The imperative shell around the rollout engine (engine.ts): it keeps every
 * channel's record in memory, starts a record when a new head is served,
 * evaluates on every report and when a soak ends (a timer, not a poll),
 * persists before anything is announced, logs, and wakes the long-polls of a
 * channel whose waves opened. With replicas (etcd) only the election's
 * leader moves records; the others follow the records it writes.
 */
export interface RolloutDeps {
  readonly store: RolloutStore;
  readonly reports: () => Promise<HostReport[]>;
  /** Hosts enrolled in hosts.toml at the served commit (none without it). */
  readonly enrolled: () => readonly string[];
  /** The version before `head` in git history that verifies (first start without a record). */
  readonly previousHead: (head: ServedHead) => Promise<ServedHead | null>;
  readonly served: () => ServedState;
  /** Wake the long-polls of a channel: what some hosts are served changed. */
  readonly wake: (channel: string) => void;
  readonly staleAfterMs: number;
  readonly log: Logger;
  readonly now: () => Date;
}

export interface RolloutManager {
  /** Read the records and start following (the etcd election and watch). */
  start(): Promise<void>;
  /** A new served state (before it is in force): start records for heads that changed. Leader only. */
  onServed(state: ServedState): Promise<void>;
  /** A report was kept for a host on `channel`: evaluate that channel soon. */
  onReport(channel: string): void;
  /** The release `host` is served on a channel whose head is `head`; null: none yet. */
  releaseFor(channel: string, host: string, head: ServedHead): ServedHead | null;
  /** Every channel's progress (GET /v1/channels, the dashboard, /metrics). */
  progress(): Promise<Map<string, RolloutProgress | null>>;
  /** Where `host` stands in the rollout of `channel`'s head; null when it carries none. */
  placeOf(channel: string, host: string): HostPlace | null;
  /** Resolves when no evaluation is running (tests, shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** The log line of an engine event: `prod revision 42 wave 2/3 opened (25%, 12 hosts)`. */
export function eventLine(head: ServedHead, e: RolloutEvent): string {
  const what = `${head.channel} revision ${head.revision}`;
  switch (e.kind) {
    case 'opened':
      return `${what} wave ${e.wave}/${e.waves} opened (${e.percent !== null ? `${e.percent}%, ` : ''}${e.hosts} host${e.hosts === 1 ? '' : 's'})`;
    case 'halted':
      return `${what} halted: ${e.reason}`;
    case 'complete':
      return `${what} rollout complete`;
  }
}

export function createRolloutManager(deps: RolloutDeps): RolloutManager {
  let records = new Map<string, RolloutRecord>();
  const rollouts = new Map<string, Rollout | undefined>();
  const timers = new Map<string, NodeJS.Timeout>();
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  let leading = false;
  let closed = false;
  let retryStart: NodeJS.Timeout | undefined;

  /** The signed rollout of a served head (verified when it was selected), by digest. */
  const rolloutOf = (head: ServedHead): Rollout | undefined => {
    if (!rollouts.has(head.digest)) {
      if (rollouts.size > 256) rollouts.clear();
      rollouts.set(head.digest, parseChannelDocument(head.text, { fileChannel: head.channel }).release.rollout);
    }
    return rollouts.get(head.digest);
  };

  /** Persist, then put in force, then wake: a restart never forgets a wave it opened. */
  let commits: Promise<void> = Promise.resolve();
  const commit = (channel: string, record: RolloutRecord, events: readonly RolloutEvent[], lazily = false): Promise<void> => {
    // One at a time: the file store writes every record, so two at once could lose one.
    const run = commits.then(async () => {
      const all = new Map(records);
      all.set(channel, record);
      await deps.store.save(channel, record, all);
      // A lazy write only persists what is in force; a newer record may have come in meanwhile.
      if (!lazily) records.set(channel, record);
      for (const e of events) deps.log.info(eventLine(record.head, e));
      if (events.some((e) => e.kind === 'opened')) deps.wake(channel);
    });
    commits = run.catch(() => {});
    return run;
  };

  /**
   * A change that opens, halts or completes nothing (a host first seen in-sync, a tolerated failure) is in
   * force at once and persisted within a second, with the next such change: a crash in between only
   * makes the soak count from a later report. Anything announced is persisted first (commit).
   */
  const lazy = new Set<string>();
  let lazyTimer: NodeJS.Timeout | undefined;
  const keepLazily = (channel: string, record: RolloutRecord): void => {
    records.set(channel, record);
    lazy.add(channel);
    lazyTimer ??= setTimeout(() => {
      lazyTimer = undefined;
      const channels = [...lazy];
      lazy.clear();
      for (const c of channels) {
        const r = records.get(c);
        if (r && leading) void commit(c, r, [], true).catch((e: unknown) => deps.log.error(`rollout of ${c}: cannot persist its progress (${(e as Error).message})`));
      }
    }, 1000);
  };

  const schedule = (channel: string, at: Date | null): void => {
    const old = timers.get(channel);
    if (old) clearTimeout(old);
    timers.delete(channel);
    if (at === null || closed || !leading) return;
    const ms = Math.max(0, at.getTime() - deps.now().getTime());
    // setTimeout holds at most ~24.8 days; a longer soak is looked at again then.
    timers.set(channel, setTimeout(() => evaluateSoon(channel), Math.min(ms, 2 ** 31 - 1)));
  };

  const evaluateOnce = async (channel: string): Promise<void> => {
    if (!leading || closed) return;
    const rec = records.get(channel);
    if (!rec?.progress || rec.progress.state !== 'in-progress') return;
    const rollout = rolloutOf(rec.head);
    if (!rollout) return;
    const e = evaluate(rec, rollout, await deps.reports(), deps.now(), deps.staleAfterMs);
    if (records.get(channel) !== rec) return; // replaced meanwhile (a new head): the next run looks at it
    if (e.events.length > 0) await commit(channel, e.record, e.events);
    else if (e.record !== rec) keepLazily(channel, e.record);
    schedule(channel, e.nextCheckAt);
  };

  /** One evaluation per channel at a time; a request during one queues exactly one more. */
  function evaluateSoon(channel: string): void {
    if (running.has(channel)) {
      again.add(channel);
      return;
    }
    const run = evaluateOnce(channel)
      .catch((e: unknown) => {
        deps.log.error(`rollout of ${channel}: ${(e as Error).message}; trying again in 1s`);
        schedule(channel, new Date(deps.now().getTime() + 1000));
      })
      .finally(() => {
        running.delete(channel);
        if (again.delete(channel)) evaluateSoon(channel);
      });
    running.set(channel, run);
  }

  const startHeads = async (state: ServedState): Promise<void> => {
    if (!leading || closed) return;
    let reports: HostReport[] | undefined;
    for (const head of Object.values(state.heads)) {
      const prev = records.get(head.channel);
      if (prev && prev.head.revision >= head.revision) continue;
      const rollout = rolloutOf(head);
      reports ??= rollout ? await deps.reports() : [];
      const known = rollout ? knownHosts(head.channel, reports, deps.enrolled()) : [];
      const history = !prev && rollout ? await deps.previousHead(head) : null;
      const rec = startRecord(prev, head, rollout, known, history, deps.now(), reports);
      // A head without a rollout gates nobody: it is persisted lazily, not with an fsync before every new head is served.
      if (!rollout) keepLazily(head.channel, rec);
      else await commit(head.channel, rec, []);
      if (rollout && rec.progress) {
        const fb = rec.fallback ? `revision ${rec.fallback.revision}` : 'nothing';
        deps.log.info(
          `${head.channel} revision ${head.revision} rolls out in ${rec.progress.plan.length} wave${rec.progress.plan.length === 1 ? '' : 's'} over ${known.length} known host${known.length === 1 ? '' : 's'} (${describeRollout(rollout)}); wave 1/${rec.progress.plan.length} opened (${rec.progress.plan[0]!.length} host${rec.progress.plan[0]!.length === 1 ? '' : 's'}), the others get ${fb}`,
        );
        evaluateSoon(head.channel);
      }
    }
  };

  return {
    async start() {
      try {
        records = await deps.store.load();
      } catch (e) {
        // A damaged record stops the start; an etcd that is not answering yet does not (its watch reads them once it does).
        if (deps.store.kind === 'file' || e instanceof RolloutStateCorruptError) throw e;
        deps.log.warn(`rollouts: cannot read the rollout records from etcd yet (${(e as Error).message}); heads with a rollout are gated until it answers`);
      }
      await deps.store.follow({
        onLead(now) {
          leading = now;
          if (!now) {
            for (const t of timers.values()) clearTimeout(t);
            timers.clear();
            return;
          }
          deps.log.info('rollouts: this replica moves rollouts forward');
          // Take over from whatever the previous leader wrote last.
          void deps.store
            .load()
            .then((fresh) => {
              records = fresh;
              return startHeads(deps.served());
            })
            .then(() => {
              for (const c of records.keys()) evaluateSoon(c);
            })
            .catch((e: unknown) => deps.log.error(`rollouts: cannot take over (${(e as Error).message})`));
        },
        onRecord(channel, record) {
          // The leader is the only writer: its own writes coming back through the watch may be older than what it holds.
          if (leading) return;
          const cur = records.get(channel);
          if (cur && JSON.stringify(cur) === JSON.stringify(record)) return;
          if (cur && cur.head.revision > record.head.revision) return;
          records.set(channel, record);
          deps.wake(channel);
        },
      });
    },
    async onServed(state) {
      // Never fails the sync: a head whose rollout is not recorded yet is gated for everyone (engine.ts releaseFor) until it is.
      try {
        await startHeads(state);
      } catch (e) {
        deps.log.error(`rollouts: cannot record the new heads (${(e as Error).message}); trying again in 1s`);
        retryStart ??= setTimeout(() => {
          retryStart = undefined;
          if (!closed) void this.onServed(deps.served());
        }, 1000);
      }
    },
    onReport(channel) {
      if (leading) evaluateSoon(channel);
    },
    releaseFor(channel, host, head) {
      return releaseFor(records.get(channel), head, rolloutOf(head) !== undefined, host);
    },
    placeOf(channel, host) {
      const r = records.get(channel);
      return r && r.head.digest === deps.served().heads[channel]?.digest ? hostPlace(r, host) : null;
    },
    async progress() {
      const out = new Map<string, RolloutProgress | null>();
      const state = deps.served();
      let reports: HostReport[] | undefined;
      for (const [name, head] of Object.entries(state.heads)) {
        const rec = records.get(name);
        if (!rec || rec.head.digest !== head.digest || rec.progress === null) {
          out.set(name, null);
          continue;
        }
        reports ??= await deps.reports();
        out.set(name, progressView(rec, rolloutOf(rec.head), reports, deps.now(), deps.staleAfterMs));
      }
      return out;
    },
    async idle() {
      while (running.size > 0) await Promise.all(running.values());
    },
    async close() {
      closed = true;
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      await this.idle();
      if (lazyTimer) clearTimeout(lazyTimer);
      lazyTimer = undefined;
      if (retryStart) clearTimeout(retryStart);
      for (const c of lazy) {
        const r = records.get(c);
        if (r && leading) await commit(c, r, [], true).catch((e: unknown) => deps.log.error(`rollout of ${c}: cannot persist its progress (${(e as Error).message})`));
      }
      lazy.clear();
      await commits;
      await deps.store.close();
    },
  };
}

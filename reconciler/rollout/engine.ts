import { canonicalHost } from '../../core/host-identity.js';
import { planWaves, waveOfHost, type Rollout } from '../../core/rollout.js';
import type { RolloutProgress } from '../../core/wire/channel-list.js';
import type { ReportState } from '../../core/wire/report.js';
import type { ServedHead } from '../heads.js';
import { openWaves, type RolloutRecord, type WaveProgress } from './record.js';

/**
 * The staged rollout engine, pure (DESIGN.md §12): a channel's record, the
 * release's signed rollout, the hosts' last reports and the time give the
 * new record, what happened (waves opened, halted, complete) and when to look
 * again (a soak ends, a host goes stale). The manager calls it on every
 * report, on every new head and when that time comes.
 */

/** A host's last report, as the engine reads it. */
export interface HostReport {
  readonly host: string;
  readonly channel: string;
  readonly state: ReportState;
  /** The release the host has applied (null before its first). */
  readonly digest: string | null;
  readonly errorCode: string | null;
  /** When the reconciler (or a replica) received it (ISO). */
  readonly receivedAt: string;
}

export type RolloutEvent =
  | { readonly kind: 'opened'; readonly wave: number; readonly waves: number; readonly percent: number | null; readonly hosts: number }
  | { readonly kind: 'halted'; readonly reason: string }
  | { readonly kind: 'complete' };

export interface Evaluation {
  readonly record: RolloutRecord;
  readonly events: readonly RolloutEvent[];
  /** When the outcome may change without a new report (a soak ends, a host goes stale); null: only a report can change it. */
  readonly nextCheckAt: Date | null;
}

/** What a rolled-out release is replaced by for hosts outside its open waves, once a newer head arrives. */
export function fallbackAfter(record: RolloutRecord): ServedHead | null {
  return record.progress === null || record.progress.state === 'complete' ? record.head : record.fallback;
}

/**
 * Pure: the hosts a rollout of `channel` is planned over (DESIGN §12 "known
 * hosts"): every host that reported on the channel, and every enrolled host
 * that has not reported on another channel. Canonical names, sorted.
 */
export function knownHosts(channel: string, reports: readonly HostReport[], enrolled: readonly string[]): string[] {
  const elsewhere = new Set<string>();
  const here = new Set<string>();
  for (const r of reports) (r.channel === channel ? here : elsewhere).add(canonicalHost(r.host));
  for (const h of enrolled) {
    const c = canonicalHost(h);
    if (!elsewhere.has(c)) here.add(c);
  }
  return [...here].sort();
}

/**
 * Pure: the record for a new head. The same head keeps its record. A head
 * with a rollout starts at wave 1 with its plan snapshotted over `known`;
 * what gated hosts get is the previous record's head when its rollout
 * completed (or it had none), else that record's fallback; with no previous
 * record, `historyFallback` (the shell reads the previous revision from git).
 */
export function startRecord(
  prev: RolloutRecord | undefined,
  head: ServedHead,
  rollout: Rollout | undefined,
  known: readonly string[],
  historyFallback: ServedHead | null,
  now: Date,
  reports: readonly HostReport[] = [],
): RolloutRecord {
  if (prev && prev.head.digest === head.digest) return prev;
  const fallback = prev ? fallbackAfter(prev) : historyFallback;
  let progress: WaveProgress | null = null;
  if (rollout) {
    const plan = planWaves(rollout, head.digest, known);
    const mine = reportsOf(head.channel, reports);
    const failingAtOpen: Record<string, true> = {};
    for (const h of plan[0]!) if (isFailure(mine.get(canonicalHost(h)))) failingAtOpen[canonicalHost(h)] = true;
    progress = { state: 'in-progress', plan, openedAt: [now.toISOString()], syncedAt: {}, failures: {}, haltReason: null, failingAtOpen };
  }
  return { head, fallback, progress, carried: progress ? carriedFrom(prev, fallback) : { heads: [], byHost: {} } };
}

/** The releases the hosts of `prev`'s open waves (and those it carried) keep while gated by its successor. */
function carriedFrom(prev: RolloutRecord | undefined, fallback: ServedHead | null): RolloutRecord['carried'] {
  if (!prev) return { heads: [], byHost: {} };
  const byHost: Record<string, string> = { ...prev.carried.byHost };
  const heads = new Map(prev.carried.heads.map((h) => [h.digest, h]));
  const p = prev.progress;
  if (p !== null && p.state !== 'complete') {
    heads.set(prev.head.digest, prev.head);
    for (let w = 0; w < openWaves(p); w++) for (const h of p.plan[w] ?? []) byHost[canonicalHost(h)] = prev.head.digest;
  }
  for (const [h, d] of Object.entries(byHost)) if (d === fallback?.digest) delete byHost[h];
  const used = new Set(Object.values(byHost));
  return { heads: [...heads.values()].filter((h) => used.has(h.digest)), byHost };
}

// A host waiting for its reboot is not in-sync (it still runs the old kernel); one whose reboot came back on another system failed.
const NOT_IN_SYNC: ReadonlySet<ReportState> = new Set(['applying', 'failed', 'refused', 'rolled-back', 'reboot-required', 'boot-failed']);
const FAILED: ReadonlySet<ReportState> = new Set(['failed', 'refused', 'rolled-back', 'boot-failed']);
const isFailure = (r: HostReport | undefined): boolean => r !== undefined && FAILED.has(r.state);

/**
 * A host that already reported a failure (of an earlier release) when its
 * wave opened repeats that report as a heartbeat; one received within this
 * long of the opening is not counted against the rollout unless the host
 * reported something else in between (its attempt: `applying`). A real
 * failure in that window is counted with the host's next report; until then
 * the host is not in-sync and holds the next wave, so nothing opens early.
 */
export const HEARTBEAT_GRACE_MS = 5000;

function isStale(r: HostReport, now: Date, staleAfterMs: number): boolean {
  return now.getTime() - Date.parse(r.receivedAt) > staleAfterMs;
}

function inSyncOn(r: HostReport, digest: string): boolean {
  return r.digest === digest && !NOT_IN_SYNC.has(r.state);
}

/** Pure: which 0-based wave a host is in (unknown hosts: the last): core/rollout.ts waveOfHost on the record's plan. */
export function waveIndexOf(p: WaveProgress, host: string): number {
  return waveOfHost(p.plan, host);
}

/**
 * Pure: move a record forward. Failures count hosts of open waves that
 * report failed, refused or rolled-back after their wave opened while not on
 * the digest; more than `maxFailures` halts (for good). Wave k+1 opens when every
 * non-stale host of waves ≤ k (hosts counted as failures excepted: they are
 * what maxFailures tolerates) is in-sync on the digest and wave k's soak has
 * passed since the last of them was first seen so (or since wave k opened).
 * The last wave open and every such host in-sync: complete.
 */
export function evaluate(record: RolloutRecord, rollout: Rollout, reports: readonly HostReport[], now: Date, staleAfterMs: number): Evaluation {
  const p = record.progress;
  if (p === null || p.state !== 'in-progress') return { record, events: [], nextCheckAt: null };
  const digest = record.head.digest;
  const channel = record.head.channel;
  const n = p.plan.length;
  const at = now.toISOString();
  const mine = reportsOf(channel, reports);

  // First sight of each host in-sync on the digest: the soak counts from the last of them.
  const syncedAt: Record<string, string> = { ...p.syncedAt };
  for (const [h, r] of mine) if (syncedAt[h] === undefined && !isStale(r, now, staleAfterMs) && inSyncOn(r, digest)) syncedAt[h] = r.receivedAt;

  let open = openWaves(p);
  const failures: Record<string, WaveProgress['failures'][string]> = { ...p.failures };
  const failingAtOpen: Record<string, true> = { ...p.failingAtOpen };
  for (const [h, r] of mine) {
    const w = waveIndexOf(p, h);
    if (w >= open || r.receivedAt < p.openedAt[w]!) continue;
    // A host that reports anything but a failure after its wave opened has moved on from an earlier release's failure.
    if (!FAILED.has(r.state)) delete failingAtOpen[h];
    // `refused` (the agent's verification refused the release) is a failure too, as the derived host state `failed` says.
    if (failures[h] !== undefined || !FAILED.has(r.state) || r.digest === digest) continue;
    if (failingAtOpen[h] && Date.parse(r.receivedAt) < Date.parse(p.openedAt[w]!) + HEARTBEAT_GRACE_MS) continue;
    failures[h] = { state: r.state === 'rolled-back' ? 'rolled-back' : 'failed', code: r.errorCode, at: r.receivedAt };
  }
  const base: WaveProgress = { ...p, syncedAt, failures, failingAtOpen };
  if (Object.keys(failures).length > rollout.maxFailures) {
    const reason = Object.entries(failures)
      .sort(([a, x], [b, y]) => (x.at < y.at ? -1 : x.at > y.at ? 1 : a < b ? -1 : 1))
      .map(([h, f]) => `${mine.get(h)?.host ?? h} ${f.state}${f.code ? ` (${f.code})` : ''}`)
      .join(', ');
    return { record: { ...record, progress: { ...base, state: 'halted', haltReason: reason } }, events: [{ kind: 'halted', reason }], nextCheckAt: null };
  }

  const events: RolloutEvent[] = [];
  const openedAt = [...p.openedAt];
  let nextCheckAt: Date | null = null;
  let state: WaveProgress['state'] = 'in-progress';
  for (;;) {
    const k = open - 1;
    const { ready, condAt, staleSoonest } = waveCondition({ ...p, openedAt }, digest, mine, syncedAt, failures, open, now, staleAfterMs);
    if (!ready) {
      nextCheckAt = Number.isFinite(staleSoonest) ? new Date(staleSoonest) : null;
      break;
    }
    if (open === n) {
      state = 'complete';
      events.push({ kind: 'complete' });
      break;
    }
    const opensAt = condAt + (rollout.waves[k]?.soakSeconds ?? 0) * 1000;
    if (opensAt > now.getTime()) {
      nextCheckAt = new Date(opensAt);
      break;
    }
    openedAt.push(at);
    open++;
    for (const h of p.plan[open - 1]!) if (isFailure(mine.get(canonicalHost(h)))) failingAtOpen[canonicalHost(h)] = true;
    let hosts = 0;
    for (let w = 0; w < open; w++) hosts += p.plan[w]!.length;
    events.push({ kind: 'opened', wave: open, waves: n, percent: rollout.waves[open - 1]?.percent ?? null, hosts });
  }
  return { record: { ...record, progress: { ...base, openedAt, state, failingAtOpen } }, events, nextCheckAt };
}

/**
 * Pure: is every host the open waves need in-sync (the next wave's
 * condition), since when (`condAt`, before the soak), and when the first
 * host that holds it up goes stale.
 */
function waveCondition(
  p: WaveProgress,
  digest: string,
  mine: ReadonlyMap<string, HostReport>,
  syncedAt: Readonly<Record<string, string>>,
  failures: WaveProgress['failures'],
  open: number,
  now: Date,
  staleAfterMs: number,
): { ready: boolean; condAt: number; staleSoonest: number } {
  const n = p.plan.length;
  const k = open - 1;
  let ready = true;
  let condAt = Date.parse(p.openedAt[k] ?? now.toISOString());
  let staleSoonest = Infinity;
  const consider = (h: string): void => {
    if (failures[h] !== undefined) return;
    const r = mine.get(h);
    if (!r || isStale(r, now, staleAfterMs)) return;
    if (inSyncOn(r, digest)) {
      condAt = Math.max(condAt, Date.parse(syncedAt[h] ?? r.receivedAt));
    } else {
      ready = false;
      staleSoonest = Math.min(staleSoonest, Date.parse(r.receivedAt) + staleAfterMs + 1);
    }
  };
  // Waves 0..open-1 are open; hosts the plan does not know belong to the last wave.
  for (let w = 0; w <= k; w++) for (const h of p.plan[w]!) consider(canonicalHost(h));
  if (open === n) {
    const planned = new Set(p.plan.flat().map(canonicalHost));
    for (const h of mine.keys()) if (!planned.has(h)) consider(h);
  }
  return { ready, condAt, staleSoonest };
}

/** Pure: the channel's reports by canonical host. */
export function reportsOf(channel: string, reports: readonly HostReport[]): Map<string, HostReport> {
  const mine = new Map<string, HostReport>();
  for (const r of reports) if (r.channel === channel) mine.set(canonicalHost(r.host), r);
  return mine;
}

/**
 * Pure: the progress as GET /v1/channels shows it (core/wire/channel-list.ts),
 * or null when the head carries no rollout.
 */
export function progressView(record: RolloutRecord, rollout: Rollout | undefined, reports: readonly HostReport[], now: Date, staleAfterMs: number): RolloutProgress | null {
  const p = record.progress;
  if (p === null || rollout === undefined) return null;
  const digest = record.head.digest;
  const mine = reportsOf(record.head.channel, reports);
  const planned = new Set(p.plan.flat().map(canonicalHost));
  const unplanned = [...mine.keys()].filter((h) => !planned.has(h)).length;
  const n = p.plan.length;
  const open = openWaves(p);
  let inWaves = 0;
  for (let w = 0; w < open; w++) inWaves += p.plan[w]!.length;
  if (open === n) inWaves += unplanned;
  let done = 0;
  for (const r of mine.values()) if (inSyncOn(r, digest)) done++;
  let nextWaveAt: string | null = null;
  if (p.state === 'in-progress' && open < n) {
    const c = waveCondition(p, digest, mine, p.syncedAt, p.failures, open, now, staleAfterMs);
    if (c.ready) nextWaveAt = new Date(c.condAt + (rollout.waves[open - 1]?.soakSeconds ?? 0) * 1000).toISOString();
  }
  const fb = record.fallback;
  return {
    state: p.state,
    revision: record.head.revision,
    digest,
    wave: open,
    waves: n,
    hostsInWaves: inWaves,
    hostsTotal: planned.size + unplanned,
    hostsDone: done,
    failures: Object.keys(p.failures).length,
    maxFailures: rollout.maxFailures,
    haltReason: p.haltReason,
    waveOpenedAt: p.openedAt[open - 1] ?? null,
    nextWaveAt,
    fallback: fb ? { revision: fb.revision, digest: fb.digest } : null,
  };
}

/**
 * Pure: the release a host is served (DESIGN §12). `head` is this replica's
 * served head and `headRollout` whether it carries a rollout. A record for
 * this head (or a newer one, from a replica ahead of this one) decides: open
 * wave → its head; gated → what this host carried over, else the fallback
 * (null: nothing yet). A head newer than the record is a rollout not started
 * yet: gated like everyone outside wave 1, until it starts.
 */
export function releaseFor(record: RolloutRecord | undefined, head: ServedHead, headRollout: boolean, host: string): ServedHead | null {
  if (record === undefined) return headRollout ? null : head;
  if (record.head.revision < head.revision) return headRollout ? gated(record, fallbackAfter(record), host, true) : head;
  const p = record.progress;
  if (p === null || waveIndexOf(p, host) < openWaves(p)) return record.head;
  return gated(record, record.fallback, host, false);
}

function gated(record: RolloutRecord, fallback: ServedHead | null, host: string, pending: boolean): ServedHead | null {
  const c = canonicalHost(host);
  // Pending: the record's own head stays with the hosts it was open to.
  if (pending && record.progress !== null && record.progress.state !== 'complete' && waveIndexOf(record.progress, c) < openWaves(record.progress)) return record.head;
  const d = record.carried.byHost[c];
  return (d !== undefined ? record.carried.heads.find((h) => h.digest === d) : undefined) ?? fallback;
}

/** Where one host stands in its channel's staged rollout (the host page, `/hosts/:host`). */
export interface HostPlace {
  readonly revision: number;
  readonly state: WaveProgress['state'];
  /** The host's wave, counting from 1, of `waves`. */
  readonly wave: number;
  readonly waves: number;
  /** Its wave is open: it is served the release. */
  readonly open: boolean;
  /** The failure counted against the rollout for this host, if any. */
  readonly failure: { readonly state: 'failed' | 'rolled-back'; readonly code: string | null } | null;
}

/** Pure: a host's place in a record's rollout; null when the head carries none. */
export function hostPlace(record: RolloutRecord | undefined, host: string): HostPlace | null {
  const p = record?.progress;
  if (!record || !p) return null;
  const w = waveIndexOf(p, host);
  const f = p.failures[canonicalHost(host)];
  return {
    revision: record.head.revision,
    state: p.state,
    wave: w + 1,
    waves: p.plan.length,
    open: w < openWaves(p),
    failure: f ? { state: f.state, code: f.code } : null,
  };
}

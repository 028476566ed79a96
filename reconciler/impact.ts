import { cacheSource } from '../core/closure-diff/cache-source.js';
import { buildChannelReport, type ChannelReport } from '../core/closure-diff/report.js';
import { computeImpact } from '../core/closure-diff/transitions.js';
import { isOgygiaError } from '../core/errors/index.js';
import type { PublicKey } from '../core/keys.js';
import { createLimiter } from '../core/limit.js';
import type { Logger } from '../core/log.js';
import { parseChannelDocument, type Release } from '../core/release.js';
import type { HostRow } from '../core/wire/host-row.js';
import type { ServedHead, ServedState } from './heads.js';

/**
 * The dashboard's impact reports (DESIGN.md §14): for each channel, what the
 * newest head changes for the hosts that still run an older revision. Reports
 * are computed in the background (one at a time) and kept in memory, so the
 * page never waits for a cache; a page shows "computing" until one is ready.
 */

/** A revision some hosts of a channel run that is not the head, and the head it would move them to. */
export interface ImpactPair {
  readonly channel: string;
  readonly head: ServedHead;
  readonly fromRevision: number;
  readonly fromDigest: string;
  /** The hosts that report running `fromRevision`, sorted. */
  readonly hosts: readonly string[];
}

export interface ImpactView {
  readonly channel: string;
  readonly fromRevision: number;
  readonly toRevision: number;
  readonly hosts: readonly string[];
  readonly status: 'computing' | 'ready' | 'failed';
  readonly report?: ChannelReport;
  readonly error?: { readonly code: string; readonly message: string };
}

/** Pure: per served channel, the revisions its hosts report running other than the head, newest first, at most `max` per channel. */
export function impactPairs(state: ServedState, rows: readonly HostRow[], max = 3): ImpactPair[] {
  const out: ImpactPair[] = [];
  for (const channel of Object.keys(state.heads).sort()) {
    const head = state.heads[channel]!;
    const byDigest = new Map<string, { revision: number; hosts: string[] }>();
    for (const r of rows) {
      if (r.channel !== channel || r.applied.digest === null || r.applied.revision === null || r.applied.digest === head.digest) continue;
      const e = byDigest.get(r.applied.digest);
      if (e) e.hosts.push(r.host);
      else byDigest.set(r.applied.digest, { revision: r.applied.revision, hosts: [r.host] });
    }
    const pairs = [...byDigest]
      .sort(([, a], [, b]) => b.revision - a.revision)
      .slice(0, max)
      .map(([fromDigest, e]) => ({ channel, head, fromRevision: e.revision, fromDigest, hosts: e.hosts.sort() }));
    out.push(...pairs);
  }
  return out;
}

interface Entry {
  status: 'computing' | 'ready' | 'failed';
  report?: ChannelReport;
  error?: { code: string; message: string };
  at: number;
}

export interface ImpactReports {
  /** The views for these pairs: ready ones from memory, the others started in the background. */
  views(pairs: readonly ImpactPair[]): ImpactView[];
  /** Resolves once nothing is being computed (tests, shutdown). */
  idle(): Promise<void>;
}

export function createImpactReports(deps: {
  readonly caches: readonly string[];
  readonly trustedKeys: readonly PublicKey[];
  readonly concurrency: number;
  /** The release of `channel` with `digest` in the branch history up to `commit`. */
  readonly releaseByDigest: (channel: string, commit: string, digest: string) => Promise<Release | undefined>;
  readonly log: Logger;
  readonly now?: () => number;
  /** Reports kept (oldest dropped first). */
  readonly keep?: number;
  /** A failed report is tried again after this long. */
  readonly retryMs?: number;
}): ImpactReports {
  const entries = new Map<string, Entry>();
  const one = createLimiter(1);
  const now = deps.now ?? Date.now;
  const keep = deps.keep ?? 64;
  const retryMs = deps.retryMs ?? 5 * 60_000;
  let running = Promise.resolve();

  const compute = async (p: ImpactPair): Promise<ChannelReport> => {
    const before = await deps.releaseByDigest(p.channel, p.head.commit, p.fromDigest);
    if (!before) throw new Error(`revision ${p.fromRevision} (${p.fromDigest.slice(0, 19)}…) is not in the last 200 versions of channels/${p.channel}.json`);
    const after = parseChannelDocument(p.head.text, { fileChannel: p.channel }).release;
    const source = cacheSource({ caches: deps.caches, trustedKeys: deps.trustedKeys, concurrency: deps.concurrency });
    return buildChannelReport(computeImpact(before, after), source);
  };

  const start = (key: string, p: ImpactPair): Entry => {
    const e: Entry = { status: 'computing', at: now() };
    entries.set(key, e);
    while (entries.size > keep) entries.delete(entries.keys().next().value!);
    const job = one(async () => {
      try {
        e.report = await compute(p);
        e.status = 'ready';
      } catch (err) {
        e.status = 'failed';
        e.error = isOgygiaError(err) ? { code: err.code, message: err.message } : { code: 'ImpactError', message: (err as Error).message };
        deps.log.warn(`impact: ${p.channel} ${p.fromRevision} → ${p.head.revision}: ${e.error.message}`, { code: e.error.code });
      }
      e.at = now();
    });
    running = running.then(() => job);
    return e;
  };

  return {
    views(pairs) {
      return pairs.map((p) => {
        const key = `${p.channel}\n${p.fromDigest}\n${p.head.digest}`;
        let e = entries.get(key);
        if (!e || (e.status === 'failed' && now() - e.at > retryMs)) e = start(key, p);
        return {
          channel: p.channel,
          fromRevision: p.fromRevision,
          toRevision: p.head.revision,
          hosts: p.hosts,
          status: e.status,
          ...(e.report ? { report: e.report } : {}),
          ...(e.error ? { error: e.error } : {}),
        };
      });
    },
    idle: () => running,
  };
}

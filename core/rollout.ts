import { createHash } from 'node:crypto';
import { InvalidRolloutError, InvalidWaveError } from './errors/index.js';
import { HOST_NAME, canonicalHost } from './host-identity.js';

/**
 * A release's signed staged rollout (DESIGN.md §12). Waves are cumulative:
 * wave k holds its listed hosts, the hosts of every earlier wave, and the
 * first `percent` % of the channel's hosts in the release's own canary order.
 * The last wave always takes every remaining host.
 */
export interface Wave {
  /** Hosts named for this wave (canaries), as the operator spelled them. */
  hosts?: string[];
  /** Cumulative share of the channel's hosts, 1–100. */
  percent?: number;
  /** Seconds to wait after the last host of waves ≤ this one reports in-sync, before the next wave opens. */
  soakSeconds?: number;
}

export interface Rollout {
  waves: Wave[];
  /** More failed or rolled-back hosts than this halts the rollout. */
  maxFailures: number;
}

export const MAX_WAVES = 16;
export const MAX_WAVE_HOSTS = 1000;
export const MAX_SOAK_SECONDS = 7 * 24 * 3600;
export const MAX_FAILURES_LIMIT = 10_000;

const ROLLOUT_FIELDS = new Set(['waves', 'maxFailures']);
const WAVE_FIELDS = new Set(['hosts', 'percent', 'soakSeconds']);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isWhole(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

/**
 * Pure: check a `rollout` value (from a channel file, `--wave` flags or
 * `ogygia.toml`) and return it unchanged (the value that was signed). Each defect is its own error: InvalidRolloutError for
 * the whole, InvalidWaveError naming the wave (counting from 1).
 */
export function parseRollout(raw: unknown, where: string): Rollout {
  if (!isPlainObject(raw)) throw new InvalidRolloutError({ file: where, problem: 'must be an object with "waves" and "maxFailures"' });
  const unknown = Object.keys(raw).filter((k) => !ROLLOUT_FIELDS.has(k));
  if (unknown.length > 0) {
    throw new InvalidRolloutError({ file: where, problem: `unknown field ${unknown.map((k) => JSON.stringify(k)).join(', ')} (a rollout has "waves" and "maxFailures")` });
  }
  // Required, never defaulted here: the parsed value is what was signed, byte for byte (publish writes 0 when not told).
  const maxFailures = raw.maxFailures;
  if (!isWhole(maxFailures, 0, MAX_FAILURES_LIMIT)) {
    throw new InvalidRolloutError({ file: where, problem: `maxFailures must be a whole number from 0 to ${MAX_FAILURES_LIMIT} (0: the first failure halts)` });
  }
  const waves = raw.waves;
  if (!Array.isArray(waves) || waves.length === 0) throw new InvalidRolloutError({ file: where, problem: 'needs at least one wave in "waves"' });
  if (waves.length > MAX_WAVES) throw new InvalidRolloutError({ file: where, problem: `has ${waves.length} waves; at most ${MAX_WAVES} are allowed` });

  const placed = new Map<string, number>();
  let lastPercent = 0;
  const out: Wave[] = [];
  waves.forEach((w: unknown, i) => {
    const n = i + 1;
    const bad = (problem: string): never => {
      throw new InvalidWaveError({ file: where, wave: n, problem });
    };
    if (!isPlainObject(w)) bad('must be an object with "hosts", "percent" and/or "soakSeconds"');
    const wave = w as Record<string, unknown>;
    const extra = Object.keys(wave).filter((k) => !WAVE_FIELDS.has(k));
    if (extra.length > 0) bad(`unknown field ${extra.map((k) => JSON.stringify(k)).join(', ')} (a wave has "hosts", "percent" and "soakSeconds")`);
    const parsed: Wave = {};
    if (wave.hosts !== undefined) {
      if (!Array.isArray(wave.hosts) || wave.hosts.length === 0) bad('"hosts" must be a non-empty list of host names');
      const hosts = wave.hosts as unknown[];
      if (hosts.length > MAX_WAVE_HOSTS) bad(`names ${hosts.length} hosts; at most ${MAX_WAVE_HOSTS} are allowed`);
      for (const h of hosts) {
        if (typeof h !== 'string' || !HOST_NAME.test(h)) bad(`${JSON.stringify(h)} is not a host name such as web01`);
        const c = canonicalHost(h as string);
        const earlier = placed.get(c);
        if (earlier !== undefined) bad(`host ${JSON.stringify(h)} is already in wave ${earlier}`);
        placed.set(c, n);
      }
      parsed.hosts = [...(hosts as string[])];
    }
    if (wave.percent !== undefined) {
      if (!isWhole(wave.percent, 1, 100)) bad('percent must be a whole number from 1 to 100');
      if ((wave.percent as number) < lastPercent) bad(`percent ${wave.percent as number} is below an earlier wave's ${lastPercent} (waves are cumulative)`);
      lastPercent = wave.percent as number;
      parsed.percent = wave.percent as number;
    }
    if (parsed.hosts === undefined && parsed.percent === undefined) bad('needs "hosts", "percent" or both');
    if (wave.soakSeconds !== undefined) {
      if (!isWhole(wave.soakSeconds, 0, MAX_SOAK_SECONDS)) bad(`soakSeconds must be a whole number from 0 to ${MAX_SOAK_SECONDS}`);
      parsed.soakSeconds = wave.soakSeconds as number;
    }
    out.push(parsed);
  });
  return { waves: out, maxFailures };
}

/** The rollout as a channel file spells it: stable key order. */
export function formatRollout(r: Rollout): Record<string, unknown> {
  return {
    waves: r.waves.map((w) => {
      const o: Record<string, unknown> = {};
      if (w.hosts !== undefined) o.hosts = [...w.hosts];
      if (w.percent !== undefined) o.percent = w.percent;
      if (w.soakSeconds !== undefined) o.soakSeconds = w.soakSeconds;
      return o;
    }),
    maxFailures: r.maxFailures,
  };
}

/** One line per rollout, as `history`, `verify` and the log show it: `web01 (soak 600s) → 25% (soak 1800s) → 100%, halts after 1 failure`. */
export function describeRollout(r: Rollout): string {
  const waves = r.waves.map((w, i) => {
    const parts: string[] = [];
    if (w.hosts !== undefined) parts.push(w.hosts.join(','));
    if (w.percent !== undefined) parts.push(`${w.percent}%`);
    else if (i === r.waves.length - 1) parts.push('rest');
    const soak = w.soakSeconds ? ` (soak ${w.soakSeconds}s)` : '';
    return parts.join(' + ') + soak;
  });
  const f = r.maxFailures;
  return `${waves.join(' → ')}, halts after ${f + 1} failure${f === 0 ? '' : 's'}`;
}

/** The canary order key of a host for one release: SHA-256 of digest + host, so each release picks a different order. */
export function canaryKey(digest: string, host: string): string {
  return createHash('sha256').update(digest).update(canonicalHost(host)).digest('hex');
}

/**
 * Pure: which hosts each wave adds, for a release (`digest`) going to a
 * channel whose hosts are `knownHosts` (enrolled or ever reported). Wave k's
 * cumulative set is its listed hosts, every earlier wave's hosts, then the
 * channel's hosts in canary order until `ceil(percent × N / 100)` are in
 * (N counts the known hosts and every listed one). The last wave takes every
 * remaining host. Names compare by the host identity rule; each host appears
 * once, in the spelling it was first seen in.
 */
export function planWaves(rollout: Rollout, digest: string, knownHosts: Iterable<string>): string[][] {
  const spelling = new Map<string, string>();
  for (const h of knownHosts) {
    const c = canonicalHost(h);
    if (!spelling.has(c)) spelling.set(c, h);
  }
  for (const w of rollout.waves) {
    for (const h of w.hosts ?? []) {
      const c = canonicalHost(h);
      if (!spelling.has(c)) spelling.set(c, h);
    }
  }
  const total = spelling.size;
  const order = [...spelling.keys()]
    .map((c) => ({ c, key: canaryKey(digest, c) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.c < b.c ? -1 : a.c > b.c ? 1 : 0))
    .map((x) => x.c);
  const taken = new Set<string>();
  const plan: string[][] = [];
  rollout.waves.forEach((w, i) => {
    const added: string[] = [];
    const take = (c: string): void => {
      if (taken.has(c)) return;
      taken.add(c);
      added.push(spelling.get(c)!);
    };
    for (const h of w.hosts ?? []) take(canonicalHost(h));
    const last = i === rollout.waves.length - 1;
    const target = last ? total : w.percent !== undefined ? Math.ceil((w.percent * total) / 100) : 0;
    for (const c of order) {
      if (taken.size >= target) break;
      take(c);
    }
    plan.push(added);
  });
  return plan;
}

/** Each plan's hosts by canonical name → wave, built once per plan (a plan is never changed once made). */
const planIndex = new WeakMap<readonly (readonly string[])[], Map<string, number>>();

/**
 * Pure: the wave (0-based) a host belongs to under a plan; a host the plan
 * does not know (new since) goes with the last wave. Constant time after the
 * first look at a plan: the reconciler asks it for every long-poll and report.
 */
export function waveOfHost(plan: readonly (readonly string[])[], host: string): number {
  let index = planIndex.get(plan);
  if (!index) {
    const built = new Map<string, number>();
    plan.forEach((hosts, w) => {
      for (const h of hosts) if (!built.has(canonicalHost(h))) built.set(canonicalHost(h), w);
    });
    planIndex.set(plan, built);
    index = built;
  }
  return index.get(canonicalHost(host)) ?? Math.max(plan.length - 1, 0);
}

import { alignColumns } from '../../core/columns.js';
import { visible } from '../../core/terminal-safe.js';
import type { ChannelListEntry } from '../../core/wire/channel-list.js';

/**
 * Pure: what `ogygia rollout status` prints from a reconciler's
 * `GET /v1/channels` (core/wire/channel-list.ts). One row per channel, then
 * a line per halted rollout (its reason) and per channel whose hosts outside
 * the open waves are held at an older release. Every cell comes from the
 * network: columns.ts escapes control characters and pads by display width.
 */

export const ROLLOUT_COLUMNS = ['Channel', 'Revision', 'Rollout', 'Wave', 'In waves', 'In-sync', 'Failures', 'Next wave'] as const;

/** The exit status when a shown channel's rollout is halted (0: none is; 1 and 2 keep their meaning: failure, usage). */
export const EXIT_HALTED = 3;

const NONE = '-';

/** Pure: `in 45s`, `in 12m`, `in 2h05m`, `in 3d`, or `due` once the time has come. */
export function untilText(at: string, now: Date): string {
  const s = Math.ceil((Date.parse(at) - now.getTime()) / 1000);
  if (!(s > 0)) return 'due';
  if (s < 120) return `in ${s}s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `in ${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `in ${h}h${String(m % 60).padStart(2, '0')}m`;
  return `in ${Math.floor(h / 24)}d`;
}

/** Pure: the cells of one channel, in ROLLOUT_COLUMNS order. */
export function rolloutCells(c: ChannelListEntry, now: Date): string[] {
  const r = c.rollout;
  const revision = c.revision === null ? NONE : String(c.revision);
  if (r === null) return [c.name, revision, 'none', NONE, NONE, NONE, NONE, NONE];
  const next = r.state === 'in-progress' && r.nextWaveAt !== null ? `${r.nextWaveAt} (${untilText(r.nextWaveAt, now)})` : NONE;
  return [
    c.name,
    String(r.revision),
    r.state,
    `${r.wave}/${r.waves}`,
    `${r.hostsInWaves}/${r.hostsTotal}`,
    `${r.hostsDone}/${r.hostsTotal}`,
    `${r.failures}/${r.maxFailures}`,
    next,
  ];
}

/** Pure: the notes under the table: why a rollout halted, what hosts outside the open waves get, a refused newer commit. */
export function rolloutNotes(c: ChannelListEntry): string[] {
  const out: string[] = [];
  const r = c.rollout;
  if (r?.state === 'halted') out.push(`${c.name}: revision ${r.revision} halted: ${r.haltReason ?? 'no reason given'}`);
  if (r && r.state !== 'complete' && r.fallback) {
    out.push(`${c.name}: hosts outside the open waves get revision ${r.fallback.revision} (${r.fallback.digest.slice(0, 19)}…)`);
  }
  if (c.refusal) out.push(`${c.name}: newest commit ${c.refusal.commit.slice(0, 12)} refused: ${c.refusal.code}: ${c.refusal.message}`);
  return out.map(visible);
}

/** Pure: the lines `ogygia rollout status` prints: header, a dash line as wide as the table, a row per channel, then notes. */
export function renderRolloutStatus(channels: readonly ChannelListEntry[], now: Date): string[] {
  if (channels.length === 0) return ['rollout: the reconciler serves no channel yet'];
  const { lines, width } = alignColumns([[...ROLLOUT_COLUMNS], ...channels.map((c) => rolloutCells(c, now))]);
  return [lines[0]!, '-'.repeat(width), ...lines.slice(1), ...channels.flatMap(rolloutNotes)];
}

/** Pure: 0, or EXIT_HALTED when any of these channels' rollout is halted (so a script can stop a pipeline on it). */
export function rolloutExitStatus(channels: readonly ChannelListEntry[]): number {
  return channels.some((c) => c.rollout?.state === 'halted') ? EXIT_HALTED : 0;
}

import type { RolloutProgress } from '../../core/wire/channel-list.js';

/** render.ts's escape, repeated: render.ts imports this file, and an import back would be a cycle. */
const esc = (s: unknown): string =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Inline CSS for the bar (added to the dashboard's stylesheet). */
export const ROLLOUT_CSS = `
.rollout { min-width:220px; } .rollout .track { position:relative; height:10px; border-radius:99px; background:var(--line); overflow:hidden; margin:4px 0; }
.rollout .open { position:absolute; left:0; top:0; bottom:0; background:color-mix(in srgb, var(--info) 35%, transparent); }
.rollout .done { position:absolute; left:0; top:0; bottom:0; background:var(--ok); } .rollout.halted .done { background:var(--bad); }
.rollout .line { font-size:12px; color:var(--mut); }
`;

const pct = (n: number, of: number): number => (of <= 0 ? 0 : Math.min(100, Math.round((n / of) * 1000) / 10));

/**
 * Pure: a channel's staged rollout as a progress bar (plain HTML, no
 * script): hosts in-sync on the release (solid), hosts of the open waves
 * (light), out of the hosts the plan holds; then wave k of n, the state, and
 * a halt's reason. `—` when the head carries no rollout.
 */
export function renderRolloutBar(p: RolloutProgress | null | undefined): string {
  if (!p) return '<span class="muted">—</span>';
  const badge = p.state === 'halted' ? 'bad' : p.state === 'complete' ? 'ok' : 'info';
  const label = `revision ${p.revision} ${p.state === 'complete' ? 'complete' : `wave ${p.wave}/${p.waves}`}: ${p.hostsDone} of ${p.hostsTotal} host${p.hostsTotal === 1 ? '' : 's'} in-sync, ${p.hostsInWaves} in open waves`;
  const line = [
    p.state === 'in-progress' && p.nextWaveAt ? `next wave at ${p.nextWaveAt}` : '',
    p.fallback && p.state !== 'complete' ? `others get revision ${p.fallback.revision}` : '',
    p.failures > 0 ? `${p.failures} failure${p.failures === 1 ? '' : 's'} (max ${p.maxFailures})` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    `<div class="rollout ${esc(p.state)}"><span class="badge ${badge}">${esc(p.state)}</span> <span>${esc(label)}</span>` +
    `<div class="track" role="progressbar" aria-label="${esc(label)}" aria-valuemin="0" aria-valuemax="${p.hostsTotal}" aria-valuenow="${p.hostsDone}">` +
    `<div class="open" style="width:${pct(p.hostsInWaves, p.hostsTotal)}%"></div><div class="done" style="width:${pct(p.hostsDone, p.hostsTotal)}%"></div></div>` +
    (line ? `<div class="line">${esc(line)}</div>` : '') +
    (p.haltReason ? `<div class="why bad">halted: ${esc(p.haltReason)}</div>` : '') +
    '</div>'
  );
}

import type { HostRow } from '../../core/wire/host-row.js';
import { countByState } from '../hosts-view.js';
import type { Refusal, ServedState } from '../heads.js';
import type { ImpactView } from '../impact.js';
import { changeKind } from '../../core/closure-diff/diff.js';
import { closureLine, formatVersions, summaryLine } from '../../core/closure-diff/render.js';

/**
 * The fleet dashboard: plain server-rendered HTML with inline CSS, no build
 * step and no script. It reloads itself every 10 seconds.
 */
export interface DashboardInput {
  readonly state: ServedState;
  readonly hosts: readonly HostRow[];
  readonly now: Date;
  readonly source: string;
  readonly branch: string;
  readonly lastSync: { readonly at?: string; readonly error?: { readonly code: string; readonly message: string } };
  /** Closure diffs from the revisions hosts run to the newest head; absent when no cache is configured ([impact]): then no section. */
  readonly impact?: readonly ImpactView[];
}

const esc = (s: unknown): string =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Pure: "3 min ago" style ages. */
export function age(iso: string | null | undefined, now: Date): string {
  if (!iso) return '—';
  const s = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

const short = (s: string | null | undefined, n = 12): string => (s ? esc(s.slice(0, n)) : '—');

function refusalCell(r: Refusal | undefined): string {
  if (!r) return '<span class="ok">serving newest</span>';
  const what = r.revision !== undefined ? `revision ${r.revision} refused ` : 'refused ';
  return `${what}<span class="badge bad">${esc(r.code)}</span><div class="why">${esc(r.message)}</div>`;
}

const STATE_CLASS: Record<string, string> = {
  'in-sync': 'ok', pending: 'warn', applying: 'info', failed: 'bad', 'rolled-back': 'bad', stale: 'muted',
};

const KIND: Record<'U' | 'D' | 'C', string> = { U: 'upgraded', D: 'downgraded', C: 'changed' };

/** Pure: the Impact section: per channel and revision hosts still run, what the newest head changes for them. */
export function renderImpact(views: readonly ImpactView[]): string {
  if (views.length === 0) return '<div class="empty">Every reporting host runs its channel\'s newest head: nothing to diff.</div>';
  return views
    .map((v) => {
      const head = `<h3>${esc(v.channel)}: revision ${v.fromRevision} → ${v.toRevision} <span class="muted">· run by ${esc(v.hosts.join(', '))}</span></h3>`;
      if (v.status === 'computing') return `<div class="impact">${head}<div class="why">reading closures from the cache…</div></div>`;
      if (v.status === 'failed' || !v.report) {
        return `<div class="impact">${head}<span class="badge bad">${esc(v.error?.code ?? 'Error')}</span><div class="why">${esc(v.error?.message ?? '')}</div></div>`;
      }
      const r = v.report;
      const groups = r.groups
        .map((g) => {
          const rows = [
            ...g.changed.map((c) => [KIND[changeKind(c)], c.name, formatVersions(c.from), formatVersions(c.to)]),
            ...g.added.map((a) => ['added', a.name, '', formatVersions(a.versions)]),
            ...g.removed.map((a) => ['removed', a.name, formatVersions(a.versions), '']),
          ]
            .map(([k, n, f, t]) => `<tr><td>${esc(k)}</td><td class="name">${esc(n)}</td><td><code>${esc(f)}</code></td><td><code>${esc(t)}</code></td></tr>`)
            .join('');
          const reboot = g.rebootRequired
            ? `<span class="badge warn">reboot</span> <span class="why">${esc(g.rebootReasons.join('; '))}</span>`
            : '<span class="muted">no reboot needed</span>';
          return `<div class="group"><div><strong>${esc(g.hosts.join(', '))}</strong> ${reboot}</div>` +
            (rows ? `<table><thead><tr><th>Change</th><th>Package</th><th>From</th><th>To</th></tr></thead><tbody>${rows}</tbody></table>` : '<div class="why">no version changes</div>') +
            `<div class="why">${g.rebuilt.length ? `${g.rebuilt.length} package(s) rebuilt with the same version · ` : ''}closure ${esc(closureLine(g))}</div></div>`;
        })
        .join('');
      return `<div class="impact">${head}<div class="why">${esc(summaryLine(r))}</div>${groups}</div>`;
    })
    .join('\n');
}

export function renderDashboard(input: DashboardInput): string {
  const { state, hosts, now } = input;
  const names = [...new Set([...Object.keys(state.heads), ...Object.keys(state.refusals)])].sort();
  const counts = countByState(hosts);
  const channelRows = names
    .map((n) => {
      const h = state.heads[n];
      return `<tr><td class="name">${esc(n)}</td><td class="num">${h ? h.revision : '—'}</td><td><code title="${esc(h?.digest ?? '')}">${short(h?.digest?.slice(7), 12)}</code></td>` +
        `<td><code title="${esc(h?.commit ?? '')}">${short(h?.commit)}</code></td><td title="${esc(h?.committedAt ?? '')}">${age(h?.committedAt, now)}</td>` +
        `<td title="${esc(h?.servedAt ?? '')}">${age(h?.servedAt, now)}</td><td>${refusalCell(state.refusals[n])}</td></tr>`;
    })
    .join('\n');
  const hostRows = hosts
    .map((h) => {
      const behind = h.desired && h.applied.revision !== null && h.applied.revision < h.desired.revision;
      return `<tr><td class="name">${esc(h.host)}</td><td>${esc(h.channel)}</td>` +
        `<td class="num">${h.desired ? h.desired.revision : '—'}</td><td class="num ${behind ? 'warn' : ''}">${h.applied.revision ?? '—'}</td>` +
        `<td><span class="badge ${STATE_CLASS[h.state] ?? ''}">${esc(h.state)}</span>${h.error ? `<div class="why">${esc(h.error.code)}: ${esc(h.error.message)}</div>${h.error.outputTail ? `<details class="why"><summary>output</summary><pre>${esc(h.error.outputTail)}</pre></details>` : ''}` : ''}</td>` +
        `<td><code>${short(h.current)}</code></td><td title="${esc(h.lastSeen)}">${age(h.lastSeen, now)}</td></tr>`;
    })
    .join('\n');
  const sync = input.lastSync.error
    ? `<span class="badge bad">${esc(input.lastSync.error.code)}</span> ${esc(input.lastSync.error.message)}`
    : `last fetch ${age(input.lastSync.at, now)}`;
  const branchRefusal = state.branchRefusal
    ? `<div class="alert"><strong>Branch head refused:</strong> ${esc(state.branchRefusal.message)} <span class="badge bad">${esc(state.branchRefusal.code)}</span></div>`
    : '';
  const summary = (Object.entries(counts) as Array<[string, number]>)
    .map(([s, n]) => `<div class="tile ${n > 0 ? STATE_CLASS[s] : 'muted'}"><div class="n">${n}</div><div>${esc(s)}</div></div>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="10"><title>Ogygia fleet</title>
<style>
:root { color-scheme: light dark; --bg:#f6f7f9; --card:#fff; --fg:#1c2430; --mut:#6b7685; --line:#e3e7ec; --ok:#1a7f37; --warn:#9a6700; --bad:#cf222e; --info:#0969da; }
@media (prefers-color-scheme: dark) { :root { --bg:#0d1117; --card:#161b22; --fg:#e6edf3; --mut:#8b949e; --line:#30363d; --ok:#3fb950; --warn:#d29922; --bad:#f85149; --info:#58a6ff; } }
* { box-sizing: border-box; } body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif; background:var(--bg); color:var(--fg); }
header { padding:18px 28px; border-bottom:1px solid var(--line); background:var(--card); display:flex; gap:24px; align-items:baseline; flex-wrap:wrap; }
header h1 { font-size:20px; margin:0; } header .meta { color:var(--mut); }
main { padding:20px 28px; max-width:1200px; } section { background:var(--card); border:1px solid var(--line); border-radius:10px; margin-bottom:22px; overflow:hidden; }
h2 { font-size:15px; margin:0; padding:12px 16px; border-bottom:1px solid var(--line); }
table { width:100%; border-collapse:collapse; } th, td { text-align:left; padding:8px 16px; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-weight:600; color:var(--mut); font-size:12px; text-transform:uppercase; letter-spacing:.04em; } tr:last-child td { border-bottom:0; }
td.num { font-variant-numeric: tabular-nums; } td.name { font-weight:600; } code { font:12px ui-monospace,monospace; }
.badge { display:inline-block; padding:1px 8px; border-radius:99px; font-size:12px; font-weight:600; border:1px solid currentColor; }
.ok { color:var(--ok); } .warn { color:var(--warn); } .bad { color:var(--bad); } .info { color:var(--info); } .muted { color:var(--mut); }
.why { color:var(--mut); font-size:12px; max-width:520px; margin-top:3px; }
.tiles { display:flex; gap:12px; margin-bottom:22px; flex-wrap:wrap; } .tile { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:10px 18px; min-width:110px; }
.tile .n { font-size:24px; font-weight:700; } .alert { border:1px solid var(--bad); color:var(--bad); background:var(--card); border-radius:10px; padding:10px 16px; margin-bottom:22px; }
.empty { padding:14px 16px; color:var(--mut); }
.impact { padding:12px 16px; border-bottom:1px solid var(--line); } .impact:last-child { border-bottom:0; } .impact h3 { font-size:14px; margin:0 0 4px; }
.impact .group { margin-top:10px; } .impact table { margin:6px 0; } .impact th, .impact td { padding:4px 10px; }
</style></head>
<body><header><h1>Ogygia fleet</h1><span class="meta">${esc(input.source)} @ ${esc(input.branch)} · commit <code>${short(state.branchCommit)}</code> · ${sync}</span></header>
<main>
${branchRefusal}
<div class="tiles">${summary}</div>
<section><h2>Channels</h2>${names.length === 0 ? '<div class="empty">No channel is served yet: push channels/&lt;name&gt;.json to the tracked branch.</div>' : `<table>
<thead><tr><th>Channel</th><th>Revision</th><th>Digest</th><th>Commit</th><th>Committed</th><th>Served</th><th>Newest head</th></tr></thead>
<tbody>
${channelRows}
</tbody></table>`}</section>
${input.impact ? `<section><h2>Impact of the newest head</h2>${renderImpact(input.impact)}</section>` : ''}
<section><h2>Hosts</h2>${hosts.length === 0 ? '<div class="empty">No host has reported yet.</div>' : `<table>
<thead><tr><th>Host</th><th>Channel</th><th>Desired</th><th>Applied</th><th>State</th><th>Current build</th><th>Last seen</th></tr></thead>
<tbody>
${hostRows}
</tbody></table>`}</section>
</main></body></html>
`;
}

import type { HostRow } from '../../core/wire/host-row.js';
import { countByState } from '../hosts-view.js';
import type { Refusal, ServedState } from '../heads.js';
import type { ImpactView } from '../impact.js';
import { changeKind } from '../../core/closure-diff/diff.js';
import { closureLine, formatVersions, summaryLine } from '../../core/closure-diff/render.js';
import { HOST_STATES } from '../../core/wire/host-row.js';
import type { HistoryEntry } from '../context.js';
import { MAX_HISTORY, type HistoryEntry as ReportHistoryEntry } from '../reports/history.js';
import type { RolloutProgress } from '../../core/wire/channel-list.js';
import { renderRolloutBar, ROLLOUT_CSS } from './rollout-bar.js';
import type { HostPlace } from '../rollout/engine.js';
import { dashboardHref, matchHosts, PAGE_SIZE, selectHosts, STATE_RANK, type DashboardQuery } from './select.js';

/**
 * The fleet dashboard: plain server-rendered HTML with inline CSS and no
 * build step. Every filter, search and page is a link or a GET form, so it
 * all works without JavaScript; a small inline script (LIVE) refreshes the
 * counters and rows every 10 seconds, and without JavaScript the page
 * reloads itself every 30 seconds instead.
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
  /** Filter, search and page (routes parse it with parseDashboardQuery); absent: page 1 of every host. */
  readonly query?: DashboardQuery;
  /** Each channel's staged rollout (GET /v1/channels `rollout`); absent or null: none. */
  readonly rollouts?: ReadonlyMap<string, RolloutProgress | null>;
}

export const esc = (s: unknown): string =>
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
  'in-sync': 'ok', pending: 'warn', applying: 'info', failed: 'bad', 'rolled-back': 'bad', stale: 'muted', 'reboot-required': 'warn', 'boot-failed': 'bad',
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

const CSS = `
:root { color-scheme: light dark; --bg:#f6f7f9; --card:#fff; --fg:#1c2430; --mut:#6b7685; --line:#e3e7ec; --ok:#1a7f37; --warn:#9a6700; --bad:#cf222e; --info:#0969da; }
@media (prefers-color-scheme: dark) { :root { --bg:#0d1117; --card:#161b22; --fg:#e6edf3; --mut:#8b949e; --line:#30363d; --ok:#3fb950; --warn:#d29922; --bad:#f85149; --info:#58a6ff; } }
* { box-sizing: border-box; } body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif; background:var(--bg); color:var(--fg); }
a { color:inherit; } a.host { text-decoration:none; } a.host:hover, a.chan:hover { text-decoration:underline; } a.chan { text-decoration:none; color:var(--info); } a.small { font-size:12px; font-weight:400; color:var(--mut); }
header { padding:18px 28px; border-bottom:1px solid var(--line); background:var(--card); display:flex; gap:24px; align-items:baseline; flex-wrap:wrap; }
header h1 { font-size:20px; margin:0; } header h1 a { text-decoration:none; } header .meta { color:var(--mut); }
main { padding:20px 28px; max-width:1200px; } section { background:var(--card); border:1px solid var(--line); border-radius:10px; margin-bottom:22px; overflow:hidden; }
h2 { font-size:15px; margin:0; padding:12px 16px; border-bottom:1px solid var(--line); }
table { width:100%; border-collapse:collapse; } th, td { text-align:left; padding:8px 16px; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-weight:600; color:var(--mut); font-size:12px; text-transform:uppercase; letter-spacing:.04em; } tr:last-child td { border-bottom:0; }
td.num { font-variant-numeric: tabular-nums; } td.name { font-weight:600; } code { font:12px ui-monospace,monospace; }
.badge { display:inline-block; padding:1px 8px; border-radius:99px; font-size:12px; font-weight:600; border:1px solid currentColor; }
.ok { color:var(--ok); } .warn { color:var(--warn); } .bad { color:var(--bad); } .info { color:var(--info); } .muted { color:var(--mut); }
.why { color:var(--mut); font-size:12px; max-width:520px; margin-top:3px; overflow-wrap:anywhere; }
.tiles { display:flex; gap:12px; margin-bottom:22px; flex-wrap:wrap; } .tile { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:10px 18px; min-width:110px; text-decoration:none; }
.tile:hover { border-color:currentColor; } .tile.on { border:2px solid currentColor; } .tile .n { font-size:24px; font-weight:700; }
.alert { border:1px solid var(--bad); color:var(--bad); background:var(--card); border-radius:10px; padding:10px 16px; margin-bottom:22px; }
.empty { padding:14px 16px; color:var(--mut); }
.bar { display:flex; gap:16px; align-items:center; flex-wrap:wrap; padding:10px 16px; border-bottom:1px solid var(--line); }
.bar input[type=search] { font:inherit; padding:4px 8px; border:1px solid var(--line); border-radius:6px; background:var(--bg); color:var(--fg); min-width:220px; }
.bar button { font:inherit; padding:4px 12px; border:1px solid var(--line); border-radius:6px; background:var(--bg); color:var(--fg); cursor:pointer; }
.pager { padding:10px 16px; display:flex; gap:16px; color:var(--mut); } .pager a { color:var(--info); }
dl.kv { display:grid; grid-template-columns:max-content 1fr; gap:6px 18px; margin:0; padding:12px 16px; } dl.kv dt { color:var(--mut); } dl.kv dd { margin:0; }
pre.tail { margin:0; padding:12px 16px; overflow:auto; max-height:480px; font:12px/1.4 ui-monospace,monospace; white-space:pre-wrap; overflow-wrap:anywhere; }
.impact { padding:12px 16px; border-bottom:1px solid var(--line); } .impact:last-child { border-bottom:0; } .impact h3 { font-size:14px; margin:0 0 4px; }
.impact .group { margin-top:10px; } .impact table { margin:6px 0; } .impact th, .impact td { padding:4px 10px; }
${ROLLOUT_CSS}`;

/**
 * Live refresh: every 10 s (while the tab is visible) fetch this same address
 * and swap in its counters, host rows and pager; on any failure keep what is
 * shown. Without JavaScript, the <noscript> refresh reloads the page.
 */
const LIVE = `<script>
(() => {
  const ids = ['tiles', 'hosts', 'updated'];
  setInterval(async () => {
    if (document.hidden) return;
    try {
      const r = await fetch(location.href, { headers: { accept: 'text/html' }, cache: 'no-store' });
      if (!r.ok) return;
      const doc = new DOMParser().parseFromString(await r.text(), 'text/html');
      for (const id of ids) {
        const fresh = doc.getElementById(id), old = document.getElementById(id);
        if (fresh && old) old.replaceWith(document.adoptNode(fresh));
      }
    } catch {}
  }, 10000);
})();
</script>`;

/** The page around a body: head, styles, header line. */
function layout(title: string, meta: string, body: string, live = false): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
${live ? '<noscript><meta http-equiv="refresh" content="30"></noscript>' : ''}<title>${esc(title)}</title>
<style>${CSS}</style></head>
<body><header><h1><a href="/">Ogygia fleet</a></h1><span class="meta">${meta}</span></header>
<main>
${body}
</main>${live ? LIVE : ''}</body></html>
`;
}

/** The counters in the order the rows come: problems first. */
const PROBLEMS_FIRST = [...HOST_STATES].sort((a, b) => STATE_RANK[a] - STATE_RANK[b]);

const hostHref = (host: string): string => `/hosts/${encodeURIComponent(host)}`;
const channelLink = (channel: string): string => `<a class="chan" href="${esc(dashboardHref({ page: 1 }, { channel }))}">${esc(channel)}</a>`;
const oneLine = (s: string, n = 160): string => {
  const first = s.split('\n', 1)[0] ?? '';
  return first.length > n || first.length < s.length ? `${first.slice(0, n)}…` : first;
};

function hostRow(h: HostRow, now: Date): string {
  const behind = h.desired && h.applied.revision !== null && h.applied.revision < h.desired.revision;
  return `<tr><td class="name"><a class="host" href="${esc(hostHref(h.host))}">${esc(h.host)}</a></td><td>${channelLink(h.channel)}</td>` +
    `<td class="num">${h.desired ? h.desired.revision : '—'}</td><td class="num ${behind ? 'warn' : ''}">${h.applied.revision ?? '—'}</td>` +
    `<td><span class="badge ${STATE_CLASS[h.state] ?? ''}">${esc(h.state)}</span>${h.error ? `<div class="why">${esc(h.error.code)}: ${esc(oneLine(h.error.message))}</div>` : ''}</td>` +
    `<td><code>${short(h.current)}</code></td><td title="${esc(h.lastSeen)}">${age(h.lastSeen, now)}</td></tr>`;
}

export function renderDashboard(input: DashboardInput): string {
  const { state, hosts, now } = input;
  const query: DashboardQuery = input.query ?? { page: 1 };
  const names = [...new Set([...Object.keys(state.heads), ...Object.keys(state.refusals)])].sort();
  // The counters count what the channel and name filters keep, so a counter's number is the rows its link shows.
  const scope = query.channel || query.q ? matchHosts(hosts, { ...(query.channel ? { channel: query.channel } : {}), ...(query.q ? { q: query.q } : {}) }) : hosts;
  const counts = countByState(scope);
  const channelRows = names
    .map((n) => {
      const h = state.heads[n];
      return `<tr><td class="name">${channelLink(n)} <a class="chan small" href="/channels/${esc(encodeURIComponent(n))}">history</a></td><td class="num">${h ? h.revision : '—'}</td><td><code title="${esc(h?.digest ?? '')}">${short(h?.digest?.slice(7), 12)}</code></td>` +
        `<td><code title="${esc(h?.commit ?? '')}">${short(h?.commit)}</code></td><td title="${esc(h?.committedAt ?? '')}">${age(h?.committedAt, now)}</td>` +
        `<td title="${esc(h?.servedAt ?? '')}">${age(h?.servedAt, now)}</td><td>${renderRolloutBar(input.rollouts?.get(n))}</td><td>${refusalCell(state.refusals[n])}</td></tr>`;
    })
    .join('\n');
  const sel = selectHosts(hosts, query);
  const hostRows = sel.rows.map((h) => hostRow(h, now)).join('\n');
  const sync = input.lastSync.error
    ? `<span class="badge bad">${esc(input.lastSync.error.code)}</span> ${esc(input.lastSync.error.message)}`
    : `last fetch ${age(input.lastSync.at, now)}`;
  const branchRefusal = state.branchRefusal
    ? `<div class="alert"><strong>Branch head refused:</strong> ${esc(state.branchRefusal.message)} <span class="badge bad">${esc(state.branchRefusal.code)}</span></div>`
    : '';
  const tile = (href: string, on: boolean, cls: string, n: number, label: string) =>
    `<a class="${['tile', cls, on ? 'on' : ''].filter(Boolean).join(' ')}" href="${esc(href)}"><div class="n">${n}</div><div>${esc(label)}</div></a>`;
  const summary = tile(dashboardHref(query, { state: undefined, page: 1 }), !query.state, '', scope.length, query.channel || query.q ? 'matching hosts' : 'all hosts') +
    PROBLEMS_FIRST.map((s) => tile(dashboardHref(query, { state: s, page: 1 }), query.state === s, counts[s] > 0 ? STATE_CLASS[s]! : 'muted', counts[s], s)).join('');
  const filters = [query.state && `state ${query.state}`, query.channel && `channel ${query.channel}`, query.q && `name contains “${query.q}”`].filter(Boolean) as string[];
  const hidden = (['state', 'channel'] as const).map((k) => (query[k] ? `<input type="hidden" name="${k}" value="${esc(query[k])}">` : '')).join('');
  const bar = `<div class="bar"><form method="get" action="/" role="search">${hidden}<input type="search" name="q" value="${esc(query.q ?? '')}" placeholder="host name contains…" aria-label="Find hosts"> <button type="submit">Find</button></form>` +
    `<span class="muted">${filters.length ? `${esc(filters.join(' · '))} · <a href="/">clear</a>` : 'problems first: failed, boot-failed, rolled-back, stale, reboot-required, applying, pending, in-sync'}</span></div>`;
  const first = (sel.page - 1) * PAGE_SIZE + 1;
  const pager = `<div class="pager"><span>${sel.rows.length ? `hosts ${first}–${first + sel.rows.length - 1} of ${sel.matched}` : `no host on page ${sel.page} of ${sel.matched} matching`} · page ${sel.page} of ${sel.pages}</span>` +
    (sel.page > 1 ? `<a rel="prev" href="${esc(dashboardHref(query, { page: Math.min(sel.page - 1, sel.pages) }))}">← previous</a>` : '') +
    (sel.page < sel.pages ? `<a rel="next" href="${esc(dashboardHref(query, { page: sel.page + 1 }))}">next →</a>` : '') + '</div>';
  const hostsTable = hosts.length === 0
    ? '<div class="empty">No host has reported yet.</div>'
    : sel.rows.length === 0
      ? `<div class="empty">No host matches.</div>${pager}`
      : `<table>
<thead><tr><th>Host</th><th>Channel</th><th>Desired</th><th>Applied</th><th>State</th><th>Current build</th><th>Last seen</th></tr></thead>
<tbody>
${hostRows}
</tbody></table>${pager}`;
  const body = `${branchRefusal}
<div class="tiles" id="tiles">${summary}</div>
<section><h2>Hosts</h2>${bar}<div id="hosts">${hostsTable}</div></section>
<section><h2>Channels</h2>${names.length === 0 ? '<div class="empty">No channel is served yet: push channels/&lt;name&gt;.json to the tracked branch.</div>' : `<table>
<thead><tr><th>Channel</th><th>Revision</th><th>Digest</th><th>Commit</th><th>Committed</th><th>Served</th><th>Rollout</th><th>Newest head</th></tr></thead>
<tbody>
${channelRows}
</tbody></table>`}</section>
${input.impact ? `<section><h2>Impact of the newest head</h2>${renderImpact(input.impact)}</section>` : ''}
<div class="muted" id="updated">as of ${esc(now.toISOString())}</div>`;
  return layout('Ogygia fleet', `${esc(input.source)} @ ${esc(input.branch)} · commit <code>${short(state.branchCommit)}</code> · ${sync}`, body, true);
}

export interface HostPageInput {
  readonly row: HostRow;
  readonly now: Date;
  /** The host's report history, newest first: one entry per change of state, release or error (reports/history.ts). */
  readonly history: readonly ReportHistoryEntry[];
  /** Its place in the staged rollout of its channel's head, when there is one. */
  readonly place?: HostPlace | null;
}

/** Pure: `/hosts/:host`: one host's revisions, channel, desired vs applied, its last report and its full error. */
export function renderHostPage({ row: h, now, history, place }: HostPageInput): string {
  const rev = (r: { revision: number | null; digest: string | null; commit: string | null } | null) =>
    r ? `revision ${r.revision ?? '—'} · digest <code>${short(r.digest?.slice(7), 16)}</code> · commit <code>${short(r.commit)}</code>` : '—';
  const behind = h.desired && h.applied.revision !== h.desired.revision;
  const kv = (rows: Array<[string, string]>) => `<dl class="kv">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
  const error = h.error
    ? `<section><h2>Error</h2>${kv([['code', `<span class="badge bad">${esc(h.error.code)}</span>`], ['message', `<span id="error-message">${esc(h.error.message)}</span>`]])}` +
      (h.error.outputTail ? `<h2>Output tail</h2><pre class="tail" id="output-tail">${esc(h.error.outputTail)}</pre>` : '<div class="empty">The report carries no output tail.</div>') + '</section>'
    : '';
  const body = `<section><h2>${esc(h.host)} <span class="badge ${STATE_CLASS[h.state] ?? ''}">${esc(h.state)}</span></h2>${kv([
    ['channel', channelLink(h.channel)],
    ['desired (served head)', rev(h.desired)],
    ['applied', `<span class="${behind ? 'warn' : ''}">${rev(h.applied)}</span>`],
  ])}</section>
${error}
${place ? `<section><h2>Rollout</h2><div id="rollout-place">${renderPlace(place, h)}</div></section>` : ''}
<section><h2>Revisions on the host</h2>${kv([
    ['current system', `<code>${esc(h.current)}</code>`],
    ['booted system', `<code>${esc(h.booted)}</code>`],
    ['next boot', `<code>${esc(h.nextboot)}</code>${h.nextboot !== 'unknown' && h.nextboot !== h.booted ? ' <span class="badge warn">reboot to apply</span>' : ''}`],
  ])}</section>
<section><h2>Last report</h2>${kv([
    ['agent state', `<code>${esc(h.agentState)}</code>`],
    ['reported at', `${esc(h.reportedAt)} <span class="muted">(${age(h.reportedAt, now)})</span>`],
    ['received at', `${esc(h.lastSeen)} <span class="muted">(${age(h.lastSeen, now)})</span>`],
    ['agent version', esc(h.agentVersion)],
  ])}</section>
<section><h2>History</h2>${renderReportHistory(history, now)}</section>`;
  return layout(`${h.host} · Ogygia fleet`, `host ${esc(h.host)} · <a href="/">all hosts</a>`, body);
}

/** Pure: one line on a host's place in its channel's rollout: its wave, whether it is open, and what that means for the host. */
export function renderPlace(p: HostPlace, h: HostRow): string {
  const badge = `<span class="badge ${p.state === 'halted' ? 'bad' : p.state === 'complete' ? 'ok' : 'warn'}">${esc(p.state)}</span>`;
  const where = `revision ${p.revision} ${badge}: this host is in wave ${p.wave} of ${p.waves}`;
  if (p.failure) return `${where}, and counts as a failure (${esc(p.failure.state)}${p.failure.code ? `, ${esc(p.failure.code)}` : ''}).`;
  if (p.open) return `${where}, which is open: it is served revision ${p.revision}.`;
  const served = h.desired ? `revision ${h.desired.revision}` : 'nothing yet';
  return `${where}, ${p.state === 'halted' ? 'which will not open (the rollout halted)' : 'not open yet'}: it is served ${served}.`;
}

/** Pure: a host's report history as a table, newest first; each row is a change of what the host said. */
export function renderReportHistory(history: readonly ReportHistoryEntry[], now: Date): string {
  if (history.length === 0) return '<div class="empty">No report kept yet.</div>';
  const rows = history
    .map((e) => `<tr><td title="${esc(e.receivedAt)}">${esc(e.reportedAt)} <span class="muted">(${age(e.reportedAt, now)})</span></td>` +
      `<td><code>${esc(e.state)}</code></td><td class="num">${e.revision ?? '—'}</td><td><code title="${esc(e.digest ?? '')}">${short(e.digest?.slice(7), 16)}</code></td>` +
      `<td>${e.error ? `<span class="badge bad">${esc(e.error.code)}</span><div class="why">${esc(e.error.message)}</div>` : '—'}</td></tr>`)
    .join('\n');
  return `<table id="history"><thead><tr><th>Since</th><th>Agent state</th><th>Revision</th><th>Digest</th><th>Error</th></tr></thead><tbody>
${rows}
</tbody></table><div class="muted">One row per change of state, release or error (the last ${MAX_HISTORY} are kept).</div>`;
}

export interface ChannelPageInput {
  readonly channel: string;
  readonly state: ServedState;
  readonly history: readonly HistoryEntry[];
  /** Hosts reporting on this channel, by derived state. */
  readonly counts: Readonly<Record<string, number>>;
  readonly now: Date;
  /** The channel's staged rollout; absent or null: none. */
  readonly rollout?: RolloutProgress | null;
  /** What the head changes for the hosts on older revisions of this channel; absent when no cache is configured ([impact]). */
  readonly impact?: readonly ImpactView[];
}

/** Pure: `/channels/:channel`: the served head or its refusal, the hosts on it, and its release history (newest first). */
export function renderChannelPage({ channel, state, history, counts, now, rollout, impact }: ChannelPageInput): string {
  const h = state.heads[channel];
  const tiles = PROBLEMS_FIRST.map((s) => `<a class="tile ${(counts[s] ?? 0) > 0 ? STATE_CLASS[s] : 'muted'}" href="${esc(dashboardHref({ page: 1 }, { channel, state: s }))}"><div class="n">${counts[s] ?? 0}</div><div>${esc(s)}</div></a>`).join('');
  const rows = history
    .map((e) => `<tr><td class="num">${e.revision ?? '—'}</td><td><code title="${esc(e.digest ?? '')}">${short(e.digest?.slice(7), 16)}</code></td><td><code title="${esc(e.commit)}">${short(e.commit)}</code></td>` +
      `<td title="${esc(e.committedAt)}">${esc(e.committedAt)} <span class="muted">(${age(e.committedAt, now)})</span></td>` +
      `<td>${(e.signers ?? []).map((k) => `<code title="${esc(k)}">${esc(k.split(':', 1)[0])}</code>`).join(', ') || '—'}</td><td>${e.error ? `<span class="badge bad">${esc(e.error.code)}</span><div class="why">${esc(e.error.message)}</div>` : '<span class="ok">well-formed</span>'}</td></tr>`)
    .join('\n');
  const body = `<div class="tiles">${tiles}</div>
<section><h2>${esc(channel)}: ${h ? `revision ${h.revision}` : 'no release served'}</h2><dl class="kv"><dt>newest head</dt><dd>${refusalCell(state.refusals[channel])}</dd>` +
    `<dt>hosts</dt><dd>${channelLink(channel)}</dd><dt>rollout</dt><dd>${renderRolloutBar(rollout)}</dd></dl></section>
${impact ? `<section id="impact"><h2>Impact of the newest head</h2>${renderImpact(impact)}</section>` : ''}
<section><h2>Release history</h2>${rows ? `<table><thead><tr><th>Revision</th><th>Digest</th><th>Commit</th><th>Committed</th><th>Signed by</th><th>Document</th></tr></thead><tbody>
${rows}
</tbody></table>` : '<div class="empty">No history.</div>'}</section>`;
  return layout(`${channel} · Ogygia fleet`, `channel ${esc(channel)} · <a href="/">all hosts</a>`, body);
}

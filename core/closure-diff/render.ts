import { changeKind, type PackageChange } from './diff.js';
import type { ChannelReport, GroupReport } from './report.js';
import { storePathName } from './version.js';

/** Pure renderers of a report: text for a terminal (nvd's layout, totals last) and Markdown for a pull-request comment. */

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'];

/** Pure: bytes as nvd prints them (with a space): `512 B`, `1.5 KiB`, `-2.0 MiB`; `signed` adds `+` to a positive number. */
export function formatBytes(n: number, signed = false): string {
  let v = Math.abs(n);
  let unit = 'B';
  for (const u of UNITS) {
    if (v < 1024) break;
    v /= 1024;
    unit = u;
  }
  const sign = n < 0 ? '-' : signed ? '+' : '';
  return `${sign}${unit === 'B' ? String(v) : v.toFixed(1)}${unit === 'B' ? ' B' : ` ${unit}`}`;
}

const signed = (n: number): string => (n > 0 ? `+${n}` : String(n));

/** Pure: `3.0.12, 3.0.12-bin x2` (nvd's collapsing of repeated versions; `<none>` for a path without one). */
export function formatVersions(versions: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < versions.length; ) {
    let j = i + 1;
    while (j < versions.length && versions[j] === versions[i]) j++;
    const v = versions[i] || '<none>';
    out.push(j - i > 1 ? `${v} x${j - i}` : v);
    i = j;
  }
  return out.join(', ') || '<none>';
}

const hostsLabel = (hosts: readonly string[]): string => hosts.map((h) => (h === '*' ? '* (every host without its own target)' : h)).join(', ');
const shortPath = (p: string | null): string => (p === null ? '(none)' : `${p.slice('/nix/store/'.length, '/nix/store/'.length + 8)}…-${storePathName(p)}`);

/** Pure: `Closure: 12 → 13 paths (+1: 2 added, 1 removed), 1.2 MiB → 1.3 MiB (+12.0 KiB)`. */
export function closureLine(g: GroupReport): string {
  const c = g.closure;
  return (
    `${c.fromPaths} → ${c.toPaths} paths (${signed(c.toPaths - c.fromPaths)}: ${c.pathsAdded} added, ${c.pathsRemoved} removed), ` +
    `${formatBytes(c.fromBytes)} → ${formatBytes(c.toBytes)} (${formatBytes(c.toBytes - c.fromBytes, true)})`
  );
}

function rebuiltLine(names: readonly string[]): string {
  const shown = names.slice(0, 5).join(', ');
  return `${names.length} package(s) rebuilt with the same version (${shown}${names.length > 5 ? ', …' : ''})`;
}

/** Pure: the text a terminal (and `ogygia verify`) shows for one channel, lines without a trailing newline. */
export function renderText(r: ChannelReport, indent = ''): string[] {
  const out: string[] = [];
  out.push(`${indent}${r.channel}: revision ${r.from ?? '(new channel)'} → ${r.to}`);
  if (r.groups.length === 0) out.push(`${indent}  no target changes its system`);
  for (const g of r.groups) {
    const i = `${indent}    `;
    out.push(`${indent}  ${hostsLabel(g.hosts)}`);
    out.push(`${i}${g.fromPath ?? '(no system before)'}`);
    out.push(`${i}→ ${g.toPath ?? '(no longer targeted)'}`);
    const w = Math.max(0, ...[...g.changed, ...g.added, ...g.removed].map((p) => p.name.length));
    const row = (mark: string, name: string, versions: string): string => `${i}  [${mark}]  ${name.padEnd(w)}  ${versions}`;
    if (g.changed.length) {
      out.push(`${i}Version changes:`);
      for (const c of g.changed) out.push(row(changeKind(c), c.name, `${formatVersions(c.from)} → ${formatVersions(c.to)}`));
    }
    if (g.added.length) {
      out.push(`${i}Added packages:`);
      for (const a of g.added) out.push(row('A', a.name, formatVersions(a.versions)));
    }
    if (g.removed.length) {
      out.push(`${i}Removed packages:`);
      for (const a of g.removed) out.push(row('R', a.name, formatVersions(a.versions)));
    }
    if (g.fromPath && g.toPath && !g.changed.length && !g.added.length && !g.removed.length) out.push(`${i}No version changes.`);
    if (g.rebuilt.length) out.push(`${i}${rebuiltLine(g.rebuilt)}`);
    out.push(g.rebootRequired ? `${i}Reboot required: ${g.rebootReasons.join('; ')}` : `${i}No reboot needed (kernel, initrd and kernel modules unchanged).`);
    out.push(`${i}Closure: ${closureLine(g)}`);
  }
  if (r.unchanged.length) out.push(`${indent}  unchanged: ${hostsLabel(r.unchanged)}`);
  return out;
}

/** Markdown-safe text for a table cell or a line: no pipes, no markup, no line breaks. */
export function mdText(s: string): string {
  return s.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');
}
/** A code span; `|` is escaped even there, since a GitHub table splits cells on it. */
const code = (s: string): string => '`' + s.replace(/`/g, "'").replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ') + '`';
const cellVersions = (v: readonly string[]): string => (v.length ? code(formatVersions(v)) : '');

/** Pure: one summary line for a channel (counts over all groups). */
export function summaryLine(r: ChannelReport): string {
  const n = (f: (g: GroupReport) => number): number => r.groups.reduce((s, g) => s + f(g), 0);
  const reboot = r.groups.filter((g) => g.rebootRequired).flatMap((g) => g.hosts);
  return (
    `${r.groups.length} group(s) change: ${n((g) => g.changed.length)} version change(s), ${n((g) => g.added.length)} added, ${n((g) => g.removed.length)} removed; ` +
    (reboot.length ? `reboot required for ${reboot.join(', ')}` : 'no reboot needed')
  );
}

function markdownRows(changed: readonly PackageChange[], g: GroupReport): string[] {
  return [
    ...changed.map((c) => `| ${changeKind(c) === 'U' ? 'upgraded' : changeKind(c) === 'D' ? 'downgraded' : 'changed'} | ${code(c.name)} | ${cellVersions(c.from)} | ${cellVersions(c.to)} |`),
    ...g.added.map((a) => `| added | ${code(a.name)} |  | ${cellVersions(a.versions)} |`),
    ...g.removed.map((a) => `| removed | ${code(a.name)} | ${cellVersions(a.versions)} |  |`),
  ];
}

/** Pure: a pull-request comment for one channel: a summary line, then a table per group. */
export function renderMarkdown(r: ChannelReport): string {
  const out: string[] = [];
  out.push(`### ${mdText(r.channel)}: revision ${r.from ?? '(new channel)'} → ${r.to}`, '', `**${mdText(r.channel)}**: ${mdText(summaryLine(r))}`, '');
  for (const g of r.groups) {
    out.push(`#### ${g.hosts.map((h) => code(h)).join(', ')}`, '', `${code(shortPath(g.fromPath))} → ${code(shortPath(g.toPath))}`, '');
    const rows = markdownRows(g.changed, g);
    if (rows.length) out.push('| change | package | from | to |', '|---|---|---|---|', ...rows, '');
    else if (g.fromPath && g.toPath) out.push('No version changes.', '');
    if (g.rebuilt.length) out.push(mdText(rebuiltLine(g.rebuilt)) + '.', '');
    out.push(g.rebootRequired ? `**Reboot required**: ${g.rebootReasons.map((x) => mdText(x)).join('; ')}` : 'No reboot needed.', '');
    out.push(`Closure: ${mdText(closureLine(g))}`, '');
  }
  if (r.unchanged.length) out.push(`Unchanged: ${r.unchanged.map((h) => code(h)).join(', ')}`, '');
  return out.join('\n');
}

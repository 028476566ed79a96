import type { StatusReport } from './collect.js';
import { visible } from '../core/terminal-safe.js';
import { renderTable } from './table.js';

/** Pure: the text `ogygia status` prints: heading, notice, then the table. */
export function renderStatusText(report: StatusReport, opts: { wide?: boolean } = {}): string[] {
  // The heading and notice quote store locations and errors: control characters are shown, not sent.
  return [...(report.heading ? [visible(report.heading)] : []), ...(report.notice ? [visible(report.notice)] : []), ...renderTable(report.rows, opts)];
}

/** Pure: `ogygia status --json`: the same data as the table, one object per host. */
export function statusJson(report: StatusReport): Record<string, unknown> {
  return {
    source: report.source,
    config: report.configFile,
    ...(report.location !== undefined ? { location: report.location } : {}),
    fallback: report.notice !== undefined,
    ...(report.notice !== undefined ? { message: report.notice } : {}),
    ...(report.error !== undefined ? { error: report.error } : {}),
    hosts: report.rows.map((r) => ({
      host: r.host,
      name: r.name,
      local: r.local,
      current: r.current,
      booted: r.booted,
      nextboot: r.nextboot,
      ...(r.channel !== undefined ? { channel: r.channel } : {}),
      ...(r.revision !== undefined ? { revision: r.revision } : {}),
      ...(r.state !== undefined ? { state: r.state } : {}),
      ...(r.lastSeen !== undefined ? { lastSeen: r.lastSeen } : {}),
    })),
  };
}

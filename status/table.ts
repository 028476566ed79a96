import { alignColumns } from '../core/columns.js';
import type { StatusRow } from './rows.js';

/** Column titles; the glyphs are double width, so widths are measured, never counted. */
export const BASE_COLUMNS = ['Host', '⚡ current', '🥾 booted', '🔜 next boot'] as const;
export const WIDE_COLUMNS = ['Channel', 'Revision', 'State', 'Last seen'] as const;
const NONE = '-';

/** Pure: the cells of one row, in column order. */
export function rowCells(row: StatusRow, wide: boolean): string[] {
  const base = [row.label, row.current, row.booted, row.nextboot];
  return wide ? [...base, row.channel ?? NONE, row.revision ?? NONE, row.state ?? NONE, row.lastSeen ?? NONE] : base;
}

/**
 * Pure: the table as lines: header, a dash line as wide as the table, one
 * line per row. Columns are separated by two spaces and padded by display
 * width (so `⚡`, `🥾`, `🔜` and wide characters in host names stay
 * aligned); trailing spaces are trimmed.
 */
export function renderTable(rows: readonly StatusRow[], opts: { wide?: boolean } = {}): string[] {
  const wide = opts.wide ?? false;
  const header = [...BASE_COLUMNS, ...(wide ? WIDE_COLUMNS : [])];
  const { lines, width } = alignColumns([header, ...rows.map((r) => rowCells(r, wide))]);
  return [lines[0]!, '-'.repeat(width), ...lines.slice(1)];
}

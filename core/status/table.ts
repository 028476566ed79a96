import { displayWidth } from './display-width.js';
import type { StatusRow } from './rows.js';

/** Column titles; the glyphs are double width, so widths are measured, never counted. */
export const BASE_COLUMNS = ['Host', '⚡ current', '🥾 booted', '🔜 next boot'] as const;
export const WIDE_COLUMNS = ['Channel', 'Revision', 'State', 'Last seen'] as const;
export const COLUMN_GAP = '  ';
const NONE = '-';

/** Pure: the cells of one row, in column order. */
export function rowCells(row: StatusRow, wide: boolean): string[] {
  const base = [row.label, row.current, row.booted, row.nextboot];
  return wide ? [...base, row.channel ?? NONE, row.revision ?? NONE, row.state ?? NONE, row.lastSeen ?? NONE] : base;
}

/** Pure: pad `cell` with spaces to `width` terminal columns. */
export function padCell(cell: string, width: number): string {
  return cell + ' '.repeat(Math.max(0, width - displayWidth(cell)));
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
  const body = rows.map((r) => rowCells(r, wide));
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...body.map((cells) => displayWidth(cells[i] ?? ''))));
  const line = (cells: readonly string[]): string => cells.map((c, i) => padCell(c, widths[i] ?? 0)).join(COLUMN_GAP).trimEnd();
  const total = widths.reduce((a, b) => a + b, 0) + COLUMN_GAP.length * (widths.length - 1);
  return [line(header), '-'.repeat(total), ...body.map(line)];
}

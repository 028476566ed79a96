import { displayWidth } from './display-width.js';
import { visible } from './terminal-safe.js';

export const COLUMN_GAP = '  ';

/**
 * Pure: align rows of cells into lines. Columns are padded by display width
 * (emoji and wide characters take two terminal columns), separated by two
 * spaces, and trailing spaces are trimmed. Control characters in cells are
 * shown as escapes (core/terminal-safe.ts). `width` is the full table width,
 * for a separator line.
 */
export function alignColumns(table: readonly (readonly string[])[]): { lines: string[]; width: number } {
  // Cells hold data from stores, reports and repositories: control characters are shown, never sent to the terminal.
  const rows = table.map((r) => r.map(visible));
  const n = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: n }, (_, i) => Math.max(0, ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const lines = rows.map((cells) => cells.map((c, i) => c + ' '.repeat(Math.max(0, (widths[i] ?? 0) - displayWidth(c)))).join(COLUMN_GAP).trimEnd());
  return { lines, width: widths.reduce((a, b) => a + b, 0) + COLUMN_GAP.length * Math.max(0, n - 1) };
}

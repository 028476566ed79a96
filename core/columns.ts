import { displayWidth, isPrintableAscii } from './display-width.js';
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
  // Most cells (host names, revisions) are printable ASCII: shown as they are, as wide as they are long (one test);
  // the rest are escaped, then measured. Once per cell: a fleet table has tens of thousands.
  const cellWidths: number[][] = [];
  const rows = table.map((r) => {
    const w: number[] = [];
    cellWidths.push(w);
    return r.map((raw) => {
      if (isPrintableAscii(raw)) {
        w.push(raw.length);
        return raw;
      }
      const shown = visible(raw);
      w.push(displayWidth(shown));
      return shown;
    });
  });
  const n = rows.reduce((m, r) => Math.max(m, r.length), 0);
  const widths = Array.from({ length: n }, () => 0);
  for (const w of cellWidths) for (let i = 0; i < w.length; i++) widths[i] = Math.max(widths[i]!, w[i]!);
  const lines = rows.map((cells, r) => cells.map((c, i) => c + ' '.repeat(widths[i]! - cellWidths[r]![i]!)).join(COLUMN_GAP).trimEnd());
  return { lines, width: widths.reduce((a, b) => a + b, 0) + COLUMN_GAP.length * Math.max(0, n - 1) };
}

import stringWidth from 'string-width';

/** Left-aligned columns separated by two spaces, measured in terminal cells (emoji are two wide). */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => stringWidth(r[i] ?? ''))));
  return all.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell + ' '.repeat(widths[i]! - stringWidth(cell))))
      .join('  ')
      .trimEnd(),
  );
}

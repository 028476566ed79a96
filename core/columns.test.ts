import fc from 'fast-check';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { COLUMN_GAP, alignColumns } from './columns.js';
import { visible } from './terminal-safe.js';

/** The rule, spelled out slowly: every cell escaped, measured by string-width, padded to its column's widest cell. */
function reference(table: string[][]): { lines: string[]; width: number } {
  const rows = table.map((r) => r.map(visible));
  const n = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: n }, (_, i) => Math.max(0, ...rows.map((r) => stringWidth(r[i] ?? ''))));
  const lines = rows.map((cells) => cells.map((c, i) => c + ' '.repeat(widths[i]! - stringWidth(c))).join(COLUMN_GAP).trimEnd());
  return { lines, width: widths.reduce((a, b) => a + b, 0) + COLUMN_GAP.length * Math.max(0, n - 1) };
}

describe('alignColumns', () => {
  it('pads by display width and shows control characters as escapes', () => {
    expect(alignColumns([['Host', '⚡ current'], ['web01', 'abc'], ['日本', 'a\u001b[2Jb']])).toEqual({
      lines: ['Host   ⚡ current', 'web01  abc', '日本   a\\e[2Jb'],
      width: 5 + 2 + 10,
    });
  });

  it('lays out any cells exactly as the slow rule does (ASCII, wide characters, emoji, control characters)', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '.', ' ', '-', '日', '⚡', '🥾', '\u001b', '\n', '\u0085', '\u007f', 'é'), maxLength: 8 });
    fc.assert(
      fc.property(fc.array(fc.array(cell, { maxLength: 5 }), { maxLength: 6 }), (table) => {
        expect(alignColumns(table)).toEqual(reference(table));
      }),
      { numRuns: 1000 },
    );
  });
});

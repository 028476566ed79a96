/** How much of a program's own words a message quotes. */
export const CAUSE_MAX_CHARS = 300;

// CSI/OSC/other ESC sequences and the remaining C0/C1 controls (tabs become spaces).
const ESCAPES = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[@-Z\\-_])/g;
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * The line of a program's output that says why it failed: the last line that
 * starts with `error:` (Nix, switch-to-configuration and most tools say so),
 * else the last non-empty line; `undefined` when the program printed nothing.
 * Terminal escapes and control characters are removed and the line is cut to
 * CAUSE_MAX_CHARS, so it can be quoted in a one-line log message or report.
 */
export function causeLine(output: string): string | undefined {
  const lines = output
    .replace(ESCAPES, '')
    .split(/\r?\n|\r/)
    .map((l) => l.replace(/\t/g, ' ').replace(CONTROLS, '').trim())
    .filter((l) => l.length > 0);
  const line = [...lines].reverse().find((l) => /^error\b/i.test(l)) ?? lines[lines.length - 1];
  if (line === undefined) return undefined;
  return line.length > CAUSE_MAX_CHARS ? line.slice(0, CAUSE_MAX_CHARS - 1) + '…' : line;
}

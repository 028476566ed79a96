/**
 * Text from a fleet store, a report or a repository can hold anything; an
 * escape sequence printed as-is can erase lines of the operator's table or
 * retitle the terminal (DESIGN.md §15). `visible` shows every control
 * character as an escape instead: `\e` for ESC, `\n`, `\r`, `\t`, else `\xNN`
 * (C1 controls and DEL included), and leaves everything else untouched.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function visible(text: string): string {
  return text.replace(CONTROL, (c) => {
    switch (c) {
      case '\u001b':
        return '\\e';
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default:
        return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
    }
  });
}

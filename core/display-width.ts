import stringWidth from 'string-width';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Pure: the terminal columns a string takes. Printable ASCII (host names,
 * revisions) is one column per character, answered without string-width,
 * which costs ~30 µs a call and dominated a 10,000-host table; anything else
 * (the ⚡ 🥾 🔜 glyphs, wide characters) goes through string-width.
 */
export function displayWidth(s: string): number {
  return PRINTABLE_ASCII.test(s) ? s.length : stringWidth(s);
}

/** Pure: printable ASCII only (no control character, nothing wide): shown as it is, one column per character. */
export function isPrintableAscii(s: string): boolean {
  return PRINTABLE_ASCII.test(s);
}

/** Nix's base-32 ("nix32") encoding of hashes: its own alphabet (no e, o, t, u) and its own bit order. */
export const NIX32_ALPHABET = '0123456789abcdfghijklmnpqrsvwxyz';

const DIGIT = new Map<string, number>([...NIX32_ALPHABET].map((c, i) => [c, i]));

/** Pure: bytes -> nix32 text (a 32-byte SHA-256 becomes 52 characters). */
export function encodeNix32(bytes: Uint8Array): string {
  const len = Math.ceil((bytes.length * 8) / 5);
  let out = '';
  for (let n = len - 1; n >= 0; n--) {
    const b = n * 5;
    const i = Math.floor(b / 8);
    const j = b % 8;
    const c = (bytes[i]! >> j) | (i >= bytes.length - 1 ? 0 : (bytes[i + 1]! << (8 - j)) & 0xff);
    out += NIX32_ALPHABET[c & 0x1f];
  }
  return out;
}

/** Pure: nix32 text -> bytes of the given size; undefined when the text is not valid nix32 of that size. */
export function decodeNix32(text: string, size: number): Uint8Array | undefined {
  if (text.length !== Math.ceil((size * 8) / 5)) return undefined;
  const out = new Uint8Array(size);
  for (let n = 0; n < text.length; n++) {
    const digit = DIGIT.get(text[text.length - n - 1]!);
    if (digit === undefined) return undefined;
    const b = n * 5;
    const i = Math.floor(b / 8);
    const j = b % 8;
    out[i]! |= (digit << j) & 0xff;
    const carry = digit >> (8 - j);
    if (i < size - 1) out[i + 1]! |= carry;
    else if (carry !== 0) return undefined;
  }
  return out;
}

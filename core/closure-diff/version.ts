/**
 * Package names and versions from store path names, split the way nvd does:
 * the name runs up to the first `-` that is followed by a digit, the version
 * is everything after it (`openssl-3.0.12-bin` → `openssl`, `3.0.12-bin`;
 * `initrd-linux-6.6.1` → `initrd-linux`, `6.6.1`); a name with no such dash
 * has no version (`etc`, `system-units`), which is the empty string here.
 * Versions order as Nix orders them (`builtins.compareVersions`, as nvd does):
 * runs of digits compare as numbers, runs of letters as text, a number is
 * newer than text, `pre` is older than anything (even a missing part, as in
 * Nix: `1.0pre1` < `1.0`), other characters separate.
 */

export interface NameVersion {
  readonly name: string;
  /** Empty when the store path name carries no version. */
  readonly version: string;
}

const STORE_DIR = '/nix/store/';

/** Pure: the name part of a store path or base name: `/nix/store/<hash>-openssl-3.0.12` → `openssl-3.0.12`. */
export function storePathName(pathOrBase: string): string {
  let base = pathOrBase.startsWith(STORE_DIR) ? pathOrBase.slice(STORE_DIR.length) : pathOrBase;
  const slash = base.indexOf('/');
  if (slash >= 0) base = base.slice(0, slash);
  return /^[0-9a-z]{32}-/.test(base) ? base.slice(33) : base;
}

/** Pure: split a store path (or its name) into package name and version. */
export function parseNameVersion(pathOrBase: string): NameVersion {
  let name = storePathName(pathOrBase);
  if (name.endsWith('.drv')) name = name.slice(0, -4);
  for (let i = 1; i < name.length - 1; i++) {
    if (name[i] === '-' && name.charCodeAt(i + 1) >= 48 && name.charCodeAt(i + 1) <= 57) {
      return { name: name.slice(0, i), version: name.slice(i + 1) };
    }
  }
  return { name, version: '' };
}

type Chunk = { readonly num: true; readonly digits: string } | { readonly num: false; readonly text: string };

function chunks(v: string): Chunk[] {
  const out: Chunk[] = [];
  let i = 0;
  while (i < v.length) {
    const c = v[i]!;
    let j = i + 1;
    if (c >= '0' && c <= '9') {
      while (j < v.length && v[j]! >= '0' && v[j]! <= '9') j++;
      out.push({ num: true, digits: v.slice(i, j).replace(/^0+(?=.)/, '') });
    } else if (/\p{L}/u.test(c)) {
      while (j < v.length && /\p{L}/u.test(v[j]!)) j++;
      out.push({ num: false, text: v.slice(i, j) });
    }
    i = j;
  }
  return out;
}

const NONE: Chunk = { num: false, text: '' };

function compareChunk(a: Chunk, b: Chunk): number {
  if (a.num && b.num) return a.digits.length - b.digits.length || (a.digits < b.digits ? -1 : a.digits > b.digits ? 1 : 0);
  if (!a.num && a.text === 'pre') return !b.num && b.text === 'pre' ? 0 : -1;
  if (!b.num && b.text === 'pre') return 1;
  if (a.num) return 1; // a number is newer than text
  if (b.num) return -1;
  return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
}

/** Pure: <0, 0 or >0 as version `a` is older than, the same as, or newer than `b`. */
export function compareVersions(a: string, b: string): number {
  const x = chunks(a);
  const y = chunks(b);
  // A missing component is the empty text: older than a number or a letter, newer than `pre` (`1.0pre1` < `1.0` < `1.0a`).
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const c = compareChunk(x[i] ?? NONE, y[i] ?? NONE);
    if (c !== 0) return c;
  }
  return 0;
}

/** Pure: versions oldest first; equal versions by their text, so the order never depends on the input's. */
export function sortVersions(versions: readonly string[]): string[] {
  return [...versions].sort((a, b) => compareVersions(a, b) || (a < b ? -1 : a > b ? 1 : 0));
}

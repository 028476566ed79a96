/**
 * Pure: read the top level of a NAR (Nix ARchive, as `nix-store --dump`
 * writes it) without unpacking it: which entries the root directory has and,
 * for symlinks, their targets. That is how the closure diff reads a system's
 * `kernel`, `initrd` and `kernel-modules` links from a binary cache.
 * Every token is a u64 little-endian length, the bytes, zero padding to 8.
 */

export type NarRootEntry = { readonly type: 'symlink'; readonly target: string } | { readonly type: 'regular' | 'directory' };

export type NarListing = { readonly ok: true; readonly entries: ReadonlyMap<string, NarRootEntry> } | { readonly ok: false; readonly error: string };

class NarError extends Error {}
const MAX_DEPTH = 256;
const MAX_TOKEN = 1 << 30;

export function listNarRoot(nar: Uint8Array): NarListing {
  const view = new DataView(nar.buffer, nar.byteOffset, nar.byteLength);
  let pos = 0;
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const span = (): [number, number] => {
    if (pos + 8 > nar.length) throw new NarError('truncated');
    const lo = view.getUint32(pos, true);
    const hi = view.getUint32(pos + 4, true);
    if (hi !== 0 || lo > MAX_TOKEN) throw new NarError('a token is too long');
    const start = pos + 8;
    const end = start + lo;
    const padded = start + Math.ceil(lo / 8) * 8;
    if (padded > nar.length) throw new NarError('truncated');
    for (let i = end; i < padded; i++) if (nar[i] !== 0) throw new NarError('padding is not zero');
    pos = padded;
    return [start, end];
  };
  const str = (): string => {
    const [s, e] = span();
    if (e - s > 4096) throw new NarError('a name or tag is over 4096 bytes');
    return decoder.decode(nar.subarray(s, e));
  };
  const expect = (want: string): void => {
    const got = str();
    if (got !== want) throw new NarError(`expected ${JSON.stringify(want)}, found ${JSON.stringify(got.slice(0, 40))}`);
  };
  /** Reads one node (after its "("); returns what the root listing needs to know of it. */
  const node = (depth: number, root: Map<string, NarRootEntry> | undefined): NarRootEntry => {
    if (depth > MAX_DEPTH) throw new NarError('directories nest too deep');
    expect('type');
    const type = str();
    if (type === 'regular') {
      let tag = str();
      if (tag === 'executable') {
        expect('');
        tag = str();
      }
      if (tag !== 'contents') throw new NarError('a regular file has no contents');
      span();
      expect(')');
      return { type: 'regular' };
    }
    if (type === 'symlink') {
      expect('target');
      const target = str();
      expect(')');
      return { type: 'symlink', target };
    }
    if (type !== 'directory') throw new NarError(`unknown node type ${JSON.stringify(type.slice(0, 40))}`);
    let prev: string | undefined;
    for (;;) {
      const tag = str();
      if (tag === ')') return { type: 'directory' };
      if (tag !== 'entry') throw new NarError('a directory holds something that is not an entry');
      expect('(');
      expect('name');
      const name = str();
      if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) throw new NarError('an entry has an invalid name');
      if (prev !== undefined && !(prev < name)) throw new NarError('entries are not sorted or repeat');
      prev = name;
      expect('node');
      expect('(');
      const child = node(depth + 1, undefined);
      expect(')');
      root?.set(name, child);
    }
  };
  try {
    expect('nix-archive-1');
    expect('(');
    const entries = new Map<string, NarRootEntry>();
    node(0, entries);
    if (pos !== nar.length) throw new NarError('bytes after the end of the archive');
    return { ok: true, entries };
  } catch (e) {
    if (e instanceof NarError) return { ok: false, error: `not a valid NAR: ${e.message}` };
    throw e;
  }
}

import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { lstat, open, readdir, readlink } from 'node:fs/promises';
import { NarSourceError } from '../core/errors/index.js';

/**
 * NAR (Nix ARchive) encoding, byte-identical to `nix-store --dump`.
 * Every token is a string: u64 little-endian length, the bytes, zero padding to 8.
 * Directory entries are sorted by the bytes of their names.
 */
export type NarNode =
  | { readonly type: 'regular'; readonly executable: boolean; readonly contents: Uint8Array }
  | { readonly type: 'symlink'; readonly target: Uint8Array | string }
  | { readonly type: 'directory'; readonly entries: ReadonlyArray<readonly [Uint8Array | string, NarNode]> };

const ZEROS = new Uint8Array(8);

function u64(n: number): Uint8Array {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

function bytesOf(s: Uint8Array | string): Uint8Array {
  return typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
}

function pad(n: number): Uint8Array {
  return ZEROS.subarray(0, (8 - (n % 8)) % 8);
}

/** The pieces of one NAR string token. */
function token(s: Uint8Array | string): Uint8Array[] {
  const b = bytesOf(s);
  return [u64(b.length), b, pad(b.length)];
}

function compareNames(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/** Pure: encode an in-memory tree as a NAR. */
export function encodeNar(root: NarNode): Uint8Array {
  const parts: Uint8Array[] = [...token('nix-archive-1')];
  const node = (n: NarNode): void => {
    parts.push(...token('('), ...token('type'));
    if (n.type === 'regular') {
      parts.push(...token('regular'));
      if (n.executable) parts.push(...token('executable'), ...token(''));
      parts.push(...token('contents'), ...token(n.contents));
    } else if (n.type === 'symlink') {
      parts.push(...token('symlink'), ...token('target'), ...token(n.target));
    } else {
      parts.push(...token('directory'));
      const sorted = n.entries.map(([name, child]) => [bytesOf(name), child] as const).sort((a, b) => compareNames(a[0], b[0]));
      for (const [name, child] of sorted) {
        parts.push(...token('entry'), ...token('('), ...token('name'), ...token(name), ...token('node'));
        node(child);
        parts.push(...token(')'));
      }
    }
    parts.push(...token(')'));
  };
  node(root);
  return Buffer.concat(parts);
}

const CHUNK = 1 << 20;
const SLASH = Buffer.from('/');
const FLUSH_AT = 64 * 1024;

/**
 * Stream the NAR of a filesystem path (a store path's real location), reading
 * files in 1 MiB chunks and coalescing the small framing tokens, so memory
 * stays flat whatever the size of the path.
 *
 * With `reuseBuffers`, file contents are read into two 1 MiB buffers used in
 * turn instead of a new buffer per chunk (a 256 MiB path otherwise costs 256
 * allocations and a dozen full garbage collections): a chunk then stays valid
 * only until the generator has been resumed twice more, so the consumer must be
 * done with chunk k before it asks for chunk k+2 (see irisd/nar-pipe.ts).
 */
export async function* streamNar(path: string, opts: { readonly reuseBuffers?: boolean } = {}): AsyncGenerator<Buffer> {
  const pool = opts.reuseBuffers ? [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)] : undefined;
  let turn = 0;
  const bufferFor = (want: number): Buffer => (pool ? pool[turn++ % 2]!.subarray(0, want) : Buffer.allocUnsafe(want));
  let pending: Uint8Array[] = [];
  let pendingLen = 0;
  const put = (b: Uint8Array): void => {
    if (b.length === 0) return;
    pending.push(b);
    pendingLen += b.length;
  };
  const putToken = (s: Uint8Array | string): void => {
    for (const p of token(s)) put(p);
  };
  const take = (): Buffer => {
    const out = Buffer.concat(pending, pendingLen);
    pending = [];
    pendingLen = 0;
    return out;
  };

  async function* node(p: Buffer): AsyncGenerator<Buffer> {
    const st = await lstat(p);
    putToken('(');
    putToken('type');
    if (st.isSymbolicLink()) {
      putToken('symlink');
      putToken('target');
      putToken(await readlink(p, { encoding: 'buffer' }));
    } else if (st.isFile()) {
      putToken('regular');
      if (st.mode & 0o100) {
        putToken('executable');
        putToken('');
      }
      putToken('contents');
      put(u64(st.size));
      const fh = await open(p, 'r');
      try {
        let done = 0;
        while (done < st.size) {
          const want = Math.min(CHUNK, st.size - done);
          const buf = bufferFor(want);
          const { bytesRead } = await fh.read(buf, 0, want, done);
          if (bytesRead === 0) throw new NarSourceError({ reason: 'shrank', path: p.toString() });
          done += bytesRead;
          if (pendingLen > 0) yield take();
          yield bytesRead === want ? buf : buf.subarray(0, bytesRead);
        }
      } finally {
        await fh.close();
      }
      put(pad(st.size));
    } else if (st.isDirectory()) {
      putToken('directory');
      const names = await readdir(p, { encoding: 'buffer' });
      names.sort(compareNames);
      for (const name of names) {
        putToken('entry');
        putToken('(');
        putToken('name');
        putToken(name);
        putToken('node');
        yield* node(Buffer.concat([p, SLASH, name]));
        putToken(')');
        if (pendingLen >= FLUSH_AT) yield take();
      }
    } else {
      throw new NarSourceError({ reason: 'special-file', path: p.toString() });
    }
    putToken(')');
  }

  putToken('nix-archive-1');
  yield* node(Buffer.from(path.replace(/\/+$/, ''), 'utf8'));
  if (pendingLen > 0) yield take();
}


/** Paths whose NAR is at most this many bytes are archived in one go by {@link smallNar}. */
export const SMALL_NAR_BYTES = 256 * 1024;

/**
 * The whole NAR of a small path, read with synchronous calls (one lstat per
 * node, one readFileSync per file): for a few KiB this is about a tenth of the
 * cost of the ~20 asynchronous operations streaming takes, and it blocks the
 * event loop for no longer than a small read. Returns undefined once the NAR
 * would exceed `maxBytes` (the caller streams it instead).
 */
export function smallNar(path: string, maxBytes = SMALL_NAR_BYTES): Buffer | undefined {
  const parts: Uint8Array[] = [];
  let size = 0;
  const put = (b: Uint8Array): void => {
    parts.push(b);
    size += b.length;
  };
  const putToken = (s: Uint8Array | string): void => {
    for (const p of token(s)) put(p);
  };
  const node = (p: Buffer): boolean => {
    const st = lstatSync(p);
    putToken('(');
    putToken('type');
    if (st.isSymbolicLink()) {
      putToken('symlink');
      putToken('target');
      putToken(readlinkSync(p, { encoding: 'buffer' }));
    } else if (st.isFile()) {
      if (size + st.size > maxBytes) return false;
      putToken('regular');
      if (st.mode & 0o100) {
        putToken('executable');
        putToken('');
      }
      putToken('contents');
      putToken(readFileSync(p));
    } else if (st.isDirectory()) {
      putToken('directory');
      const names = readdirSync(p, { encoding: 'buffer' });
      names.sort(compareNames);
      for (const name of names) {
        putToken('entry');
        putToken('(');
        putToken('name');
        putToken(name);
        putToken('node');
        if (!node(Buffer.concat([p, SLASH, name]))) return false;
        putToken(')');
        if (size > maxBytes) return false;
      }
    } else {
      throw new NarSourceError({ reason: 'special-file', path: p.toString() });
    }
    putToken(')');
    return true;
  };
  putToken('nix-archive-1');
  if (!node(Buffer.from(path.replace(/\/+$/, ''), 'utf8')) || size > maxBytes) return undefined;
  return Buffer.concat(parts, size);
}

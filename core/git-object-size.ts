import { open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { constants, inflateSync } from 'node:zlib';
import { GitError } from './errors/index.js';

/**
 * The size of a git object without inflating it (DESIGN.md §15: a channel
 * file over its cap is refused without reading it whole). A loose object's
 * size is in its zlib-compressed header, so only the first few hundred bytes
 * are inflated; a packed object's size is in its pack entry header, or, for a
 * delta, in the first bytes of the delta. Reads the repository's files
 * directly (SHA-1 repositories, pack index v2, as git and isomorphic-git write).
 */
export interface ObjectSizer {
  /** Bytes of the object's content, or undefined when the repository does not hold it. */
  size(oid: string): Promise<number | undefined>;
}

/** Compressed bytes inflated to find a header: output is bounded by ~1,000× this. */
const PEEK_BYTES = 256;

interface PackIndex {
  readonly pack: string;
  readonly idx: Buffer;
  readonly count: number;
}

export function createObjectSizer(gitdir: string): ObjectSizer {
  let packs: Promise<PackIndex[]> | undefined;
  const loadPacks = async (): Promise<PackIndex[]> => {
    const dir = join(gitdir, 'objects', 'pack');
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []; // no packs (yet)
      throw e;
    }
    const out: PackIndex[] = [];
    for (const n of names.filter((x) => x.endsWith('.idx'))) {
      const idx = await readFile(join(dir, n));
      if (idx.readUInt32BE(0) !== 0xff744f63 || idx.readUInt32BE(4) !== 2) {
        throw new GitError({ reason: 'old-pack-index', file: join(dir, n) });
      }
      out.push({ pack: join(dir, n.slice(0, -4) + '.pack'), idx, count: idx.readUInt32BE(8 + 255 * 4) });
    }
    return out;
  };
  return {
    async size(oid) {
      if (!/^[0-9a-f]{40}$/.test(oid)) throw new GitError({ reason: 'object-format', oid });
      const loose = await looseSize(join(gitdir, 'objects', oid.slice(0, 2), oid.slice(2)));
      if (loose !== undefined) return loose;
      packs ??= loadPacks();
      const sha = Buffer.from(oid, 'hex');
      for (const p of await packs) {
        const offset = findOffset(p, sha);
        if (offset !== undefined) return packedSize(p, offset);
      }
      return undefined;
    },
  };
}

/** Inflate the start of a zlib stream: as much output as `compressed` yields, without needing the rest. */
function inflatePrefix(compressed: Buffer): Buffer {
  return inflateSync(compressed, { finishFlush: constants.Z_SYNC_FLUSH });
}

async function looseSize(file: string): Promise<number | undefined> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // not loose: packed, or absent
    throw e;
  }
  try {
    const buf = Buffer.alloc(PEEK_BYTES);
    const { bytesRead } = await fh.read(buf, 0, PEEK_BYTES, 0);
    const head = inflatePrefix(buf.subarray(0, bytesRead));
    const nul = head.indexOf(0);
    const m = nul > 0 ? /^(blob|tree|commit|tag) (\d+)$/.exec(head.subarray(0, nul).toString('latin1')) : null;
    if (!m) throw new GitError({ reason: 'corrupt', file, defect: 'not-loose-object' });
    return Number(m[2]);
  } finally {
    await fh.close();
  }
}

/** Binary search of a v2 pack index: the object's offset in its pack, or undefined. */
function findOffset(p: PackIndex, sha: Buffer): number | undefined {
  const fanout = (i: number): number => (i < 0 ? 0 : p.idx.readUInt32BE(8 + i * 4));
  let lo = fanout(sha[0]! - 1);
  let hi = fanout(sha[0]!);
  const shas = 8 + 256 * 4;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = p.idx.compare(sha, 0, 20, shas + mid * 20, shas + mid * 20 + 20);
    if (c === 0) {
      const offsets = shas + p.count * 24; // after the SHAs and the CRCs
      const small = p.idx.readUInt32BE(offsets + mid * 4);
      if ((small & 0x80000000) === 0) return small;
      const large = offsets + p.count * 4 + (small & 0x7fffffff) * 8;
      return Number(p.idx.readBigUInt64BE(large));
    }
    if (c > 0) hi = mid;
    else lo = mid + 1;
  }
  return undefined;
}

/** Read a little-endian base-128 varint (git's size encoding) at `at`; undefined when `buf` ends inside it. */
function varint(buf: Buffer, at: number): { value: number; next: number } | undefined {
  let value = 0;
  let shift = 0;
  let i = at;
  for (;;) {
    if (i >= buf.length) return undefined;
    const b = buf[i++]!;
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return { value, next: i };
  }
}

async function packedSize(p: PackIndex, offset: number): Promise<number> {
  const fh = await open(p.pack, 'r');
  try {
    const buf = Buffer.alloc(PEEK_BYTES + 64);
    const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
    const entry = buf.subarray(0, bytesRead);
    let i = 0;
    let b = entry[i++]!;
    const type = (b >> 4) & 7;
    let size = b & 0x0f;
    let shift = 4;
    while (b & 0x80) {
      b = entry[i++]!;
      size += (b & 0x7f) * 2 ** shift;
      shift += 7;
    }
    if (type >= 1 && type <= 4) return size;
    if (type === 6) {
      // OFS_DELTA: a base offset, then the zlib-compressed delta.
      do b = entry[i++]!;
      while (b & 0x80);
    } else if (type === 7) {
      i += 20; // REF_DELTA: the base object's id
    } else {
      throw new GitError({ reason: 'corrupt', file: p.pack, defect: 'unknown-object-type', type, offset });
    }
    // The delta starts with the base's size and the result's size.
    const delta = inflatePrefix(entry.subarray(i));
    const base = varint(delta, 0);
    const result = base && varint(delta, base.next);
    if (!result) throw new GitError({ reason: 'corrupt', file: p.pack, defect: 'truncated-size', offset });
    return result.value;
  } finally {
    await fh.close();
  }
}

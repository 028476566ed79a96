import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { SecretKey } from '../core/keys.js';
import { type NarInfo, formatNarInfo, sha256Nix32, signNarInfo } from '../core/narinfo.js';
import { encodeNix32 } from '../core/nix32.js';
import { storePathHash } from '../core/store-path.js';

/**
 * A binary cache written without Nix, for tests and benchmarks that need
 * closures of a shape Nix would take long to build (thousands of paths) or
 * that Nix would refuse to make (a lying cache): narinfos Nix reads, signed
 * with a real key, and NARs where a test gives them.
 */

/** A NAR node, for `encodeTestNar`. */
export type TestNarNode =
  | { readonly type: 'regular'; readonly contents: string; readonly executable?: boolean }
  | { readonly type: 'symlink'; readonly target: string }
  | { readonly type: 'directory'; readonly entries: Readonly<Record<string, TestNarNode>> };

function tok(s: string): Buffer {
  const b = Buffer.from(s);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(b.length));
  return Buffer.concat([len, b, Buffer.alloc((8 - (b.length % 8)) % 8)]);
}

function enc(n: TestNarNode): Buffer[] {
  const out = [tok('('), tok('type')];
  if (n.type === 'regular') out.push(tok('regular'), ...(n.executable ? [tok('executable'), tok('')] : []), tok('contents'), tok(n.contents));
  else if (n.type === 'symlink') out.push(tok('symlink'), tok('target'), tok(n.target));
  else {
    out.push(tok('directory'));
    for (const name of Object.keys(n.entries).sort()) out.push(tok('entry'), tok('('), tok('name'), tok(name), tok('node'), ...enc(n.entries[name]!), tok(')'));
  }
  out.push(tok(')'));
  return out;
}

/** A NAR as `nix-store --dump` writes it. */
export function encodeTestNar(root: TestNarNode): Uint8Array {
  return new Uint8Array(Buffer.concat([tok('nix-archive-1'), ...enc(root)]));
}


/** A system's top-level NAR with `kernel`, `initrd` and `kernel-modules` links (as NixOS has) to the given paths. */
export function systemNar(boot?: { kernel: string; initrd: string; modules: string }): Uint8Array {
  return encodeTestNar({
    type: 'directory',
    entries: {
      ...(boot ? { kernel: { type: 'symlink', target: `${boot.kernel}/bzImage` }, initrd: { type: 'symlink', target: `${boot.initrd}/initrd` }, 'kernel-modules': { type: 'symlink', target: boot.modules } } : {}),
      activate: { type: 'regular', contents: '#!/bin/sh\n', executable: true },
    },
  });
}

export interface FakeCachePath {
  readonly path: string;
  readonly references: readonly string[];
  /** NAR size when no `nar` is given (default 1000). */
  readonly narSize?: number;
  /** The real NAR (its size and hash go into the narinfo; the file is written as `compression`). */
  readonly nar?: Uint8Array;
  readonly compression?: 'none' | 'gzip' | 'bzip2';
}

/** Write narinfos (and NARs where given) into `dir`, a `file://` cache; `sign` with each key given. Returns the narinfos. */
export async function writeFakeCache(dir: string, paths: readonly FakeCachePath[], keys: readonly SecretKey[]): Promise<NarInfo[]> {
  await mkdir(join(dir, 'nar'), { recursive: true });
  await writeFile(join(dir, 'nix-cache-info'), 'StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 40\n');
  const out: NarInfo[] = [];
  for (const p of paths) {
    const hash = storePathHash(p.path);
    const narHash = p.nar ? sha256Nix32(p.nar) : sha256Nix32(Buffer.from(`nar of ${p.path}`));
    const compression = p.compression ?? 'none';
    const file = p.nar && compression === 'gzip' ? gzipSync(p.nar) : p.nar;
    const url = `nar/${hash}.nar${compression === 'gzip' ? '.gz' : compression === 'bzip2' ? '.bz2' : ''}`;
    const unsigned: NarInfo = { storePath: p.path, url, compression, narHash, narSize: p.nar ? p.nar.length : (p.narSize ?? 1000), references: [...p.references].sort(), sigs: [] };
    const info: NarInfo = { ...unsigned, sigs: keys.map((k) => signNarInfo(unsigned, k)) };
    await writeFile(join(dir, `${hash}.narinfo`), formatNarInfo(info));
    if (file) await writeFile(join(dir, url), file);
    out.push(info);
  }
  return out;
}

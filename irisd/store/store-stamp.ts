import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalStore } from './nix-store.js';

/**
 * What changes whenever Nix registers, deletes or re-signs a path: its SQLite
 * database and the write-ahead log beside it; and, when a path's files are
 * added or removed, the store directory itself (the one sign that still moves
 * if irisd were looking at the wrong database). When none of them changed
 * since the last scan, `nix path-info --all` would print the same again, so
 * irisd does not ask (on a store of 20,000 paths that is ~0.5 s of Nix and
 * ~100 ms of parsing per refresh).
 *
 * `settled` follows git's "racily clean" rule: a file modified within
 * SETTLE_MS of reading its stamp might be modified again within the same
 * timestamp tick, so such a stamp is never trusted to mean "unchanged".
 */
export interface StoreStamp {
  readonly key: string;
  readonly settled: boolean;
}

export const SETTLE_MS = 2000;

/** A file or directory whose stamp counts; a `required` one that cannot be read means no stamp at all. */
export interface StampedFile {
  readonly path: string;
  readonly required: boolean;
}

/**
 * What to stamp for a store: the database (`$NIX_STATE_DIR/db` for the system
 * store, `<root>/nix/var/nix/db` for `local?root=`), its write-ahead log (absent
 * whenever no connection is open) and the store directory.
 */
export function stampedFiles(store: LocalStore, env: NodeJS.ProcessEnv = process.env): StampedFile[] {
  const system = store.storeArgs.length === 0;
  const db = system ? join(env.NIX_STATE_DIR ?? '/nix/var/nix', 'db') : join(store.root, 'nix/var/nix/db');
  const storeDir = system ? (env.NIX_STORE_DIR ?? '/nix/store') : join(store.root, 'nix/store');
  return [
    { path: join(db, 'db.sqlite'), required: true },
    { path: join(db, 'db.sqlite-wal'), required: false },
    { path: storeDir, required: false },
  ];
}

/** The stamp of `files`; undefined when a required one cannot be read (no database yet, no permission), so every refresh scans. */
export async function readStoreStamp(files: readonly StampedFile[], now: number = Date.now()): Promise<StoreStamp | undefined> {
  const parts: string[] = [];
  let settled = true;
  for (const f of files) {
    try {
      const s = await stat(f.path, { bigint: true });
      parts.push(`${s.ino}:${s.size}:${s.mtimeNs}`);
      if (Number(s.mtimeNs / 1_000_000n) > now - SETTLE_MS) settled = false;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || f.required) return undefined;
      parts.push('-');
    }
  }
  return { key: parts.join(' '), settled };
}

/** Pure: whether a refresh must ask Nix again, given the stamp read before the last scan and the one read now. */
export function mustRescan(last: StoreStamp | undefined, now: StoreStamp | undefined): boolean {
  return last === undefined || now === undefined || !last.settled || last.key !== now.key;
}

import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalStore } from './nix-store.js';

/**
 * What changes whenever Nix registers, deletes or re-signs a path: its SQLite
 * database and the write-ahead log beside it. When neither changed since the
 * last scan, `nix path-info --all` would print the same again, so irisd does
 * not ask (on a store of 17,500 paths that is 0.5 s of Nix and ~100 ms of
 * parsing per refresh).
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
const DB_FILES = ['db.sqlite', 'db.sqlite-wal'] as const;

/** The directory of the Nix database behind a store: `$NIX_STATE_DIR/db` for the system store, `<root>/nix/var/nix/db` for `local?root=`. */
export function nixDbDir(store: LocalStore, env: NodeJS.ProcessEnv = process.env): string {
  const system = store.storeArgs.length === 0;
  return system ? join(env.NIX_STATE_DIR ?? '/nix/var/nix', 'db') : join(store.root, 'nix/var/nix/db');
}

/** The stamp of the database in `dbDir`; undefined when it cannot be read (no database yet, no permission), so every refresh scans. */
export async function readStoreStamp(dbDir: string, now: number = Date.now()): Promise<StoreStamp | undefined> {
  const parts: string[] = [];
  let settled = true;
  for (const name of DB_FILES) {
    try {
      const s = await stat(join(dbDir, name), { bigint: true });
      parts.push(`${s.ino}:${s.size}:${s.mtimeNs}`);
      if (Number(s.mtimeNs / 1_000_000n) > now - SETTLE_MS) settled = false;
    } catch (e) {
      // Only the write-ahead log may be absent: SQLite removes it when the last connection closes.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || name === 'db.sqlite') return undefined;
      parts.push('-');
    }
  }
  return { key: parts.join(' '), settled };
}

/** Pure: whether a refresh must ask Nix again, given the stamp read before the last scan and the one read now. */
export function mustRescan(last: StoreStamp | undefined, now: StoreStamp | undefined): boolean {
  return last === undefined || now === undefined || !last.settled || last.key !== now.key;
}

import fc from 'fast-check';
import { mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../testkit/tmp.js';
import { localStore } from './nix-store.js';
import { mustRescan, readStoreStamp, SETTLE_MS, stampedFiles, type StoreStamp } from './store-stamp.js';

describe('stampedFiles', () => {
  it('are the database, its write-ahead log and the store directory, for the system store and a local?root store', () => {
    expect(stampedFiles(localStore('/'), {})).toEqual([
      { path: '/nix/var/nix/db/db.sqlite', required: true },
      { path: '/nix/var/nix/db/db.sqlite-wal', required: false },
      { path: '/nix/store', required: false },
    ]);
    expect(stampedFiles(localStore('/'), { NIX_STATE_DIR: '/state', NIX_STORE_DIR: '/gnu/store' }).map((f) => f.path)).toEqual(['/state/db/db.sqlite', '/state/db/db.sqlite-wal', '/gnu/store']);
    expect(stampedFiles(localStore('/srv/store'), { NIX_STATE_DIR: '/state' }).map((f) => f.path)).toEqual([
      '/srv/store/nix/var/nix/db/db.sqlite',
      '/srv/store/nix/var/nix/db/db.sqlite-wal',
      '/srv/store/nix/store',
    ]);
  });
});

describe('mustRescan', () => {
  const s = (key: string, settled = true): StoreStamp => ({ key, settled });
  it('skips only when the last scan read a settled stamp equal to the one read now', () => {
    expect(mustRescan(s('a'), s('a'))).toBe(false);
    expect(mustRescan(s('a'), s('a', false))).toBe(false); // the very files the last scan saw
    expect(mustRescan(s('a'), s('b'))).toBe(true);
    expect(mustRescan(s('a', false), s('a'))).toBe(true); // the last stamp may hide a write in the same tick
    expect(mustRescan(undefined, s('a'))).toBe(true); // never scanned
    expect(mustRescan(s('a'), undefined)).toBe(true); // the database cannot be read now
  });
  it('never skips when anything differs or is unknown (property)', () => {
    const stamp = fc.option(fc.record({ key: fc.string({ maxLength: 3 }), settled: fc.boolean() }), { nil: undefined });
    fc.assert(
      fc.property(stamp, stamp, (last, now) => {
        const skip = !mustRescan(last, now);
        if (skip) expect(last !== undefined && now !== undefined && last.settled && last.key === now.key).toBe(true);
      }),
    );
  });
});

describe('readStoreStamp', () => {
  it('changes when the database, its write-ahead log or the store directory changes, and is settled only when all are older than SETTLE_MS', async () => {
    const tmp = await makeTempDir('ogygia-stamp-');
    try {
      const files = stampedFiles(localStore(tmp.path), {});
      const db = join(tmp.path, 'nix/var/nix/db');
      const storeDir = join(tmp.path, 'nix/store');
      const old = new Date(Date.now() - 10_000);
      expect(await readStoreStamp(files)).toBeUndefined(); // no database: every refresh scans
      await mkdir(db, { recursive: true });
      await writeFile(join(db, 'db.sqlite'), 'one');
      await utimes(join(db, 'db.sqlite'), old, old);
      const a = await readStoreStamp(files); // no log, no store directory yet: both may be absent
      expect(a).toMatchObject({ settled: true });
      expect(await readStoreStamp(files)).toEqual(a); // nothing changed
      await writeFile(join(db, 'db.sqlite-wal'), 'x'); // a writer appears
      const b = await readStoreStamp(files);
      expect(b!.key).not.toBe(a!.key);
      expect(b!.settled).toBe(false); // just written
      expect((await readStoreStamp(files, Date.now() + SETTLE_MS + 1000))!.settled).toBe(true);
      await writeFile(join(db, 'db.sqlite-wal'), 'xy');
      expect((await readStoreStamp(files))!.key).not.toBe(b!.key);
      await rm(join(db, 'db.sqlite-wal')); // the last connection closed
      await utimes(join(db, 'db.sqlite'), old, old);
      expect((await readStoreStamp(files))!.key).toBe(a!.key);
      await mkdir(storeDir, { recursive: true });
      await utimes(storeDir, old, old);
      const d = await readStoreStamp(files);
      expect(d).toMatchObject({ settled: true });
      await mkdir(join(storeDir, 'x-path')); // a path's files added to the store
      const e = await readStoreStamp(files);
      expect(e!.key).not.toBe(d!.key);
      expect(e!.settled).toBe(false); // a removal in the same timestamp tick could look the same: not trusted yet
    } finally {
      await tmp.cleanup();
    }
  });
});

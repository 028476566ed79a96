import fc from 'fast-check';
import { mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../testkit/tmp.js';
import { localStore } from './nix-store.js';
import { mustRescan, nixDbDir, readStoreStamp, SETTLE_MS, type StoreStamp } from './store-stamp.js';

describe('nixDbDir', () => {
  it('is $NIX_STATE_DIR/db for the system store and <root>/nix/var/nix/db for a local?root store', () => {
    expect(nixDbDir(localStore('/'), {})).toBe('/nix/var/nix/db');
    expect(nixDbDir(localStore('/'), { NIX_STATE_DIR: '/state' })).toBe('/state/db');
    expect(nixDbDir(localStore('/srv/store'), { NIX_STATE_DIR: '/state' })).toBe('/srv/store/nix/var/nix/db');
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
  it('changes when the database or its write-ahead log changes, and is settled only when both are older than SETTLE_MS', async () => {
    const tmp = await makeTempDir('ogygia-stamp-');
    try {
      const db = join(tmp.path, 'db');
      expect(await readStoreStamp(db)).toBeUndefined(); // no database: every refresh scans
      await mkdir(db);
      await writeFile(join(db, 'db.sqlite'), 'one');
      const old = new Date(Date.now() - 10_000);
      await utimes(join(db, 'db.sqlite'), old, old);
      const a = await readStoreStamp(db);
      expect(a).toMatchObject({ settled: true });
      expect(await readStoreStamp(db)).toEqual(a); // nothing changed
      await writeFile(join(db, 'db.sqlite-wal'), 'x'); // a writer appears
      const b = await readStoreStamp(db);
      expect(b!.key).not.toBe(a!.key);
      expect(b!.settled).toBe(false); // just written
      expect((await readStoreStamp(db, Date.now() + SETTLE_MS + 1000))!.settled).toBe(true);
      await writeFile(join(db, 'db.sqlite-wal'), 'xy');
      expect((await readStoreStamp(db))!.key).not.toBe(b!.key);
      await rm(join(db, 'db.sqlite-wal')); // the last connection closed
      await utimes(join(db, 'db.sqlite'), old, old);
      expect((await readStoreStamp(db))!.key).toBe(a!.key);
    } finally {
      await tmp.cleanup();
    }
  });
});

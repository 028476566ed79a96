import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../testkit/tmp.js';
import { encodeNar } from './nar.js';
import { NarCache } from './nar-cache.js';
import { sha256Nix32, type NarInfo } from '../core/narinfo.js';
import { narUrl } from './nar-url.js';

const dirs: { cleanup: () => Promise<void> }[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await d.cleanup();
});

function entry(i: number, size = 1000): { narinfo: NarInfo; nar: Uint8Array; key: string; hash: string } {
  const nar = encodeNar({ type: 'regular', executable: false, contents: Buffer.alloc(size, i) });
  const hash = `${'0123456789abcdfghijklmnpqrsvwxyz'[i]!}${'1'.repeat(31)}`;
  const narHash = sha256Nix32(nar);
  const storePath = `/nix/store/${hash}-p${i}`;
  const narinfo: NarInfo = { storePath, url: narUrl({ storePath, narHash }), compression: 'none', narHash, narSize: nar.length, references: [], sigs: [] };
  return { narinfo, nar, key: `${hash}-${narHash.slice(7)}`, hash };
}

async function put(c: NarCache, e: ReturnType<typeof entry>): Promise<void> {
  const w = await c.writer(e.narinfo, e.key);
  await w.write(e.nar);
  await w.commit();
}

async function readAll(c: NarCache, key: string): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const p of c.read(key)) parts.push(p);
  return Buffer.concat(parts);
}

describe('NAR cache', () => {
  it('evicts the least recently used entry past its size limit and survives a restart', async () => {
    const d = await makeTempDir('ogygia-narcache-');
    dirs.push(d);
    const one = entry(1);
    let now = 1_000_000;
    const c = await NarCache.open({ dir: d.path, maxSizeBytes: 3 * one.nar.length + 10, ttlMs: 1e9, now: () => now });
    const es = [entry(1), entry(2), entry(3)];
    for (const e of es) {
      await put(c, e);
      now += 10;
    }
    await readAll(c, es[0]!.key); // 1 is now the most recently used
    now += 10;
    await put(c, entry(4));
    expect(c.lookup(es[1]!.hash)).toBeUndefined(); // 2 was least recently used
    expect(c.lookup(es[0]!.hash)?.storePath).toBe(es[0]!.narinfo.storePath);
    const again = await NarCache.open({ dir: d.path, maxSizeBytes: 1e9, ttlMs: 1e9 });
    expect(again.count).toBe(3);
    expect((await readAll(again, es[2]!.key)).equals(Buffer.from(es[2]!.nar))).toBe(true);
  });

  it('keeps small NARs (written from memory, read in one go) and large ones (streamed) alike, across a restart', async () => {
    const d = await makeTempDir('ogygia-narcache-');
    dirs.push(d);
    const c = await NarCache.open({ dir: d.path, maxSizeBytes: 1e9, ttlMs: 1e9 });
    const small = entry(5, 2_000);
    const large = entry(6, 3 * 1024 * 1024 + 7); // past the 256 KiB small-NAR limit: file handle writes, stream reads
    const w = await c.writer(large.narinfo, large.key);
    for (let at = 0; at < large.nar.length; at += 65_536) await w.write(large.nar.subarray(at, at + 65_536));
    await w.commit();
    await put(c, small);
    for (const e of [small, large]) expect((await readAll(c, e.key)).equals(Buffer.from(e.nar))).toBe(true);
    const again = await NarCache.open({ dir: d.path, maxSizeBytes: 1e9, ttlMs: 1e9 });
    expect(again.count).toBe(2);
    for (const e of [small, large]) expect((await readAll(again, e.key)).equals(Buffer.from(e.nar))).toBe(true);
    // An aborted small write leaves nothing behind.
    const gone = entry(7, 100);
    const aborted = await again.writer(gone.narinfo, gone.key);
    await aborted.write(gone.nar);
    await aborted.abort();
    expect(again.lookup(gone.hash)).toBeUndefined();
    expect((await readdir(d.path)).filter((f) => f.startsWith(gone.hash))).toEqual([]);
  });

  it('drops entries past their TTL', async () => {
    const d = await makeTempDir('ogygia-narcache-');
    dirs.push(d);
    let now = Date.now();
    const c = await NarCache.open({ dir: d.path, maxSizeBytes: 1e9, ttlMs: 1000, now: () => now });
    const e = entry(5);
    await put(c, e);
    expect(c.lookup(e.hash)).toBeDefined();
    now += 2000;
    expect(c.lookup(e.hash)).toBeUndefined();
    await c.expireAndEvict();
    expect(await readdir(d.path)).toEqual([]);
  });

  it('checks every read and removes an entry that rotted on disk', async () => {
    const d = await makeTempDir('ogygia-narcache-');
    dirs.push(d);
    const c = await NarCache.open({ dir: d.path, maxSizeBytes: 1e9, ttlMs: 1e9 });
    const e = entry(6);
    await put(c, e);
    const file = join(d.path, `${e.key}.nar`);
    const bytes = await readFile(file);
    bytes[bytes.length - 20]! ^= 1;
    await writeFile(file, bytes);
    await expect(readAll(c, e.key)).rejects.toMatchObject({ code: 'NarHashMismatchError' });
    expect(c.lookup(e.hash)).toBeUndefined();
    expect(await readdir(d.path)).toEqual([]);
  });
});

import { createReadStream, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, stat, unlink, utimes, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { InternalError } from '../core/errors/index.js';
import { verifyNarStream } from './nar-verify.js';
import { formatNarInfo, parseNarInfo, type NarInfo } from '../core/narinfo.js';

/**
 * NARs fetched from peers, kept on disk: `<key>.nar` beside `<key>.narinfo`
 * (key = `<store hash>-<nar hash nix32>`). The narinfo file's mtime is when
 * the entry was added (for the TTL), the NAR file's mtime when it was last
 * read (for least-recently-used eviction), so the cache survives a restart
 * with its order intact. Entries are written to a temporary file and renamed
 * in only after their NarHash checked out; every read is checked again.
 */
export interface NarCacheOptions {
  readonly dir: string;
  readonly maxSizeBytes: number;
  readonly ttlMs: number;
  readonly now?: () => number;
}

interface Entry {
  readonly key: string;
  readonly hash: string;
  readonly narinfo: NarInfo;
  readonly size: number;
  readonly addedAt: number;
  lastUsed: number;
}

export interface CacheWriter {
  write(chunk: Uint8Array): Promise<void>;
  /** Keep the entry (call only once the NAR verified). */
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** Cached NARs up to this size are read in one go. */
const SMALL_CACHED_NAR_BYTES = 256 * 1024;

const KEY = /^([0-9a-df-np-sv-z]{32})-[0-9a-df-np-sv-z]{52}$/;

export class NarCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byHash = new Map<string, string>();
  private total = 0;
  private readonly now: () => number;

  private constructor(private readonly opts: NarCacheOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Open (creating) the cache directory and load what an earlier run left, dropping temporaries, expired and broken entries. */
  static async open(opts: NarCacheOptions): Promise<NarCache> {
    const c = new NarCache(opts);
    await mkdir(opts.dir, { recursive: true });
    for (const name of await readdir(opts.dir)) {
      const full = join(opts.dir, name);
      if (name.endsWith('.tmp')) {
        await unlink(full).catch(() => {});
        continue;
      }
      if (!name.endsWith('.narinfo')) continue;
      const key = name.slice(0, -'.narinfo'.length);
      const m = KEY.exec(key);
      let files;
      try {
        files = await Promise.all([readFile(full, 'utf8'), stat(full), stat(join(opts.dir, key + '.nar'))]);
      } catch {
        // Half an entry (its .nar is gone) or one that cannot be read is dropped: the cache refills from peers.
        await c.removeFiles(key);
        continue;
      }
      const [infoText, infoStat, narStat] = files;
      const parsed = parseNarInfo(infoText);
      // A name, narinfo or size that does not add up: a broken entry, dropped like an expired one.
      if (!m || !parsed.ok || narStat.size !== parsed.value.narSize) {
        await c.removeFiles(key);
        continue;
      }
      c.add({ key, hash: m[1]!, narinfo: parsed.value, size: narStat.size, addedAt: infoStat.mtimeMs, lastUsed: narStat.mtimeMs });
    }
    await c.expireAndEvict();
    return c;
  }

  get sizeBytes(): number {
    return this.total;
  }

  get count(): number {
    return this.entries.size;
  }

  private add(e: Entry): void {
    this.entries.set(e.key, e);
    this.byHash.set(e.hash, e.key);
    this.total += e.size;
  }

  private async removeFiles(key: string): Promise<void> {
    await unlink(join(this.opts.dir, key + '.narinfo')).catch(() => {});
    await unlink(join(this.opts.dir, key + '.nar')).catch(() => {});
  }

  async remove(key: string): Promise<void> {
    const e = this.entries.get(key);
    if (e) {
      this.entries.delete(key);
      if (this.byHash.get(e.hash) === key) this.byHash.delete(e.hash);
      this.total -= e.size;
    }
    await this.removeFiles(key);
  }

  private expired(e: Entry): boolean {
    return this.now() - e.addedAt > this.opts.ttlMs;
  }

  /** The cached narinfo for a store path hash, if present and not expired. */
  lookup(hash: string): NarInfo | undefined {
    const key = this.byHash.get(hash);
    const e = key === undefined ? undefined : this.entries.get(key);
    if (!e || this.expired(e)) return undefined; // expireAndEvict removes it
    return e.narinfo;
  }

  has(key: string): boolean {
    const e = this.entries.get(key);
    return e !== undefined && !this.expired(e);
  }

  /** Stream a cached NAR, checking its NarHash as it goes; a corrupt entry is removed and the stream fails. */
  async *read(key: string): AsyncGenerator<Uint8Array> {
    const e = this.entries.get(key);
    // The server asks `has` first: a read of an absent entry is a bug.
    if (!e) throw new InternalError({ where: 'NarCache.read', cause: `NAR ${key} is not cached` });
    e.lastUsed = this.now();
    this.entries.delete(key);
    this.entries.set(key, e); // Map order is the LRU order
    const file = join(this.opts.dir, key + '.nar');
    void utimes(file, new Date(), new Date(e.lastUsed)).catch(() => {});
    try {
      // A small NAR in one synchronous read (one system call instead of a stream's open/read/close round trips).
      const source = e.size <= SMALL_CACHED_NAR_BYTES ? [readFileSync(file)] : createReadStream(file, { highWaterMark: 1 << 20 });
      yield* verifyNarStream(source, e.narinfo);
    } catch (err) {
      await this.remove(key);
      throw err;
    }
  }

  /** Start writing an entry; nothing is visible until `commit`. */
  async writer(narinfo: NarInfo, key: string): Promise<CacheWriter> {
    const m = KEY.exec(key);
    // The server builds keys from a checked NAR file name: one off the pattern is a bug.
    if (!m) throw new InternalError({ where: 'NarCache.writer', cause: `bad cache key ${key}` });
    const tmp = join(this.opts.dir, `${key}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
    if (narinfo.narSize <= SMALL_CACHED_NAR_BYTES) return this.smallWriter(narinfo, key, m[1]!, tmp);
    const fh: FileHandle = await open(tmp, 'w', 0o644);
    let closed = false;
    const close = async (): Promise<void> => {
      if (!closed) {
        closed = true;
        await fh.close();
      }
    };
    return {
      write: async (chunk) => {
        await fh.write(chunk);
      },
      abort: async () => {
        await close().catch(() => {});
        await unlink(tmp).catch(() => {});
      },
      commit: async () => {
        await close();
        if (narinfo.narSize > this.opts.maxSizeBytes) {
          await unlink(tmp).catch(() => {});
          return;
        }
        if (this.entries.has(key)) await this.remove(key); // the files on disk are the entries (open() drops the rest)
        await writeFile(join(this.opts.dir, key + '.narinfo'), formatNarInfo(narinfo));
        await rename(tmp, join(this.opts.dir, key + '.nar'));
        const t = this.now();
        this.add({ key, hash: m[1]!, narinfo, size: narinfo.narSize, addedAt: t, lastUsed: t });
        // Over the size limit: evict now. Expired entries are never served (lookup) and irisd sweeps them periodically.
        if (this.total > this.opts.maxSizeBytes) await this.expireAndEvict();
      },
    };
  }

  /**
   * A small NAR is held in memory until it verified, then written with
   * synchronous calls (temporary file, narinfo, rename): three system calls'
   * worth of blocking instead of a dozen asynchronous round trips per path.
   */
  private smallWriter(narinfo: NarInfo, key: string, hash: string, tmp: string): CacheWriter {
    const parts: Uint8Array[] = [];
    return {
      write: async (chunk) => {
        parts.push(Buffer.from(chunk)); // a copy: the caller may reuse its buffer
      },
      abort: async () => {
        parts.length = 0;
      },
      commit: async () => {
        if (this.entries.has(key)) await this.remove(key);
        writeFileSync(tmp, Buffer.concat(parts), { mode: 0o644 });
        try {
          writeFileSync(join(this.opts.dir, key + '.narinfo'), formatNarInfo(narinfo));
          renameSync(tmp, join(this.opts.dir, key + '.nar'));
        } catch (e) {
          await unlink(tmp).catch(() => {});
          throw e;
        }
        const t = this.now();
        this.add({ key, hash, narinfo, size: narinfo.narSize, addedAt: t, lastUsed: t });
        if (this.total > this.opts.maxSizeBytes) await this.expireAndEvict();
      },
    };
  }

  /** Drop expired entries, then the least recently used until the cache fits its size limit. */
  async expireAndEvict(): Promise<void> {
    for (const e of [...this.entries.values()]) if (this.expired(e)) await this.remove(e.key);
    const byUse = [...this.entries.values()].sort((a, b) => a.lastUsed - b.lastUsed);
    for (const e of byUse) {
      if (this.total <= this.opts.maxSizeBytes) break;
      await this.remove(e.key);
    }
  }
}

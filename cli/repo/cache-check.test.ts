import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CacheMissError, CacheUnreachableError } from '../../core/errors/index.js';
import { storePathHash } from '../../core/store-path.js';
import { serveBinaryCache } from '../../testkit/binary-cache-http.js';
import { freePort } from '../../testkit/ports.js';
import { storePath } from '../../testkit/store-paths.js';
import { makeTempDir } from '../../testkit/tmp.js';
import { checkClosureCached, fetchNarinfo } from './cache-check.js';

const top = storePath('system');
const dep = storePath('glibc');
const base = (p: string): string => p.slice('/nix/store/'.length);

/** A file:// cache holding `paths`, each narinfo listing `refs[path]` as References. */
async function cacheDir(dir: string, paths: string[], refs: Record<string, string[]> = {}): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const p of paths) {
    await writeFile(join(dir, `${storePathHash(p)}.narinfo`), `StorePath: ${p}\nReferences: ${(refs[p] ?? []).map(base).join(' ')}\n`);
  }
  return `file://${dir}`;
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail('the check passed'),
    (e: unknown) => e,
  );
}

describe('checkClosureCached', () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    tmp = await makeTempDir();
  });
  afterAll(() => tmp.cleanup());

  it('counts the closure when a cache holds all of it', async () => {
    const full = await cacheDir(join(tmp.path, 'full'), [top, dep], { [top]: [dep] });
    expect(await checkClosureCached([top], [full])).toBe(2);
  });

  it('is a CacheMissError naming what a cache that answered does not hold', async () => {
    const partial = await cacheDir(join(tmp.path, 'partial'), [top], { [top]: [dep] });
    const e = await failure(checkClosureCached([top], [partial]));
    expect(e).toBeInstanceOf(CacheMissError);
    expect(e).toMatchObject({ code: 'CacheMissError', data: { reason: 'missing', missing: [dep] } });
  });

  it('is a CacheUnreachableError, not a miss, when a file:// cache directory is not there', async () => {
    const gone = `file://${join(tmp.path, 'no-such-cache')}`;
    const e = await failure(checkClosureCached([top], [gone]));
    expect(e).toBeInstanceOf(CacheUnreachableError);
    expect(e).toMatchObject({ code: 'CacheUnreachableError', data: { substituter: gone, storePath: top, cause: 'ENOENT' } });
  });

  it('is a CacheUnreachableError when an HTTP cache is down, and a pass once it is back', async () => {
    const dir = join(tmp.path, 'served');
    await cacheDir(dir, [top, dep], { [top]: [dep] });
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const down = await failure(checkClosureCached([top], [url]));
    expect(down).toBeInstanceOf(CacheUnreachableError);
    expect((down as CacheUnreachableError).data).toMatchObject({ substituter: url, storePath: top });
    expect((down as Error).message).toMatch(/check that it is up and reachable/);
    const cache = await serveBinaryCache(dir, port);
    try {
      expect(await checkClosureCached([top], [url])).toBe(2);
    } finally {
      await cache.stop();
    }
  });

  it('is a CacheUnreachableError when an HTTP cache answers with an error status', async () => {
    const server = createServer((_req, res) => res.writeHead(503).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const e = await failure(checkClosureCached([top], [url]));
      expect(e).toMatchObject({ code: 'CacheUnreachableError', data: { cause: 'HTTP 503' } });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('passes when a down cache is not needed, and does not ask it again for every path', async () => {
    const full = await cacheDir(join(tmp.path, 'full-2'), [top, dep], { [top]: [dep] });
    const down = `http://127.0.0.1:${await freePort()}`;
    const asked: string[] = [];
    const count = await checkClosureCached([top], [down, full], (s, p) => {
      asked.push(s);
      return fetchNarinfo(s, p);
    });
    expect(count).toBe(2);
    expect(asked.filter((s) => s === down)).toHaveLength(1);
  });

  it('is a CacheUnreachableError when the cache that answered lacks a path a down cache might hold', async () => {
    const partial = await cacheDir(join(tmp.path, 'partial-2'), [top], { [top]: [dep] });
    const down = `http://127.0.0.1:${await freePort()}`;
    const e = await failure(checkClosureCached([top], [partial, down]));
    expect(e).toMatchObject({ code: 'CacheUnreachableError', data: { substituter: down, storePath: dep } });
  });

  it('is a CacheMissError when there is no substituter at all', async () => {
    const e = await failure(checkClosureCached([top], []));
    expect(e).toMatchObject({ code: 'CacheMissError', data: { reason: 'no-substituter' } });
  });
});

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecretKey } from '../keys.js';
import { formatNarInfo, parseNarInfo } from '../narinfo.js';
import { storePathHash } from '../store-path.js';
import { serveBinaryCache, type HttpBinaryCache } from '../../testkit/binary-cache-http.js';
import { systemNar, writeFakeCache } from '../../testkit/fake-cache.js';
import { packagePath } from '../../testkit/store-paths.js';
import { makeTempDir } from '../../testkit/tmp.js';
import { cacheSource } from './cache-source.js';

// The cache reader against real files and a real HTTP server on loopback, with narinfos signed by real keys.
const key = generateSecretKey('cache-1');
const other = generateSecretKey('evil-1');
const glibc = packagePath('glibc-2.38');
const sslA = packagePath('openssl-3.0.12');
const sslB = packagePath('openssl-3.0.13');
const curl = packagePath('curl-8.1.0');
const boot = (v: string) => ({ kernel: packagePath(`linux-${v}`), initrd: packagePath(`initrd-linux-${v}`), modules: packagePath(`linux-${v}-modules`) });
const topA = packagePath('nixos-system-web01-a');
const topB = packagePath('nixos-system-web01-b');
const topGz = packagePath('nixos-system-gz');
const topBz = packagePath('nixos-system-bz');
const topBadNar = packagePath('nixos-system-badnar');

let tmp: { path: string; cleanup: () => Promise<void> };
let good: string;
let evil: string;
let http: HttpBinaryCache;
beforeAll(async () => {
  tmp = await makeTempDir('ogygia-cache-source-');
  good = join(tmp.path, 'good');
  evil = join(tmp.path, 'evil');
  const b1 = boot('6.6.1');
  await writeFakeCache(
    good,
    [
      { path: glibc, references: [glibc], narSize: 30_000 },
      { path: sslA, references: [glibc], narSize: 5_000 },
      { path: sslB, references: [glibc], narSize: 5_100 },
      { path: curl, references: [sslB, glibc], narSize: 2_000 },
      ...[b1.kernel, b1.initrd, b1.modules].map((p) => ({ path: p, references: [], narSize: 10 })),
      { path: topA, references: [sslA, b1.kernel, b1.initrd, b1.modules], nar: systemNar(b1) },
      { path: topB, references: [sslB, curl, b1.kernel, b1.initrd, b1.modules], nar: systemNar(b1) },
      { path: topGz, references: [], nar: systemNar(boot('6.6.2')), compression: 'gzip' },
      { path: topBz, references: [], nar: systemNar(b1), compression: 'bzip2' },
      { path: topBadNar, references: [], nar: systemNar(b1) },
    ],
    [key],
  );
  // The NAR of topBadNar is swapped for another system's after signing: its hash no longer matches.
  await writeFile(join(good, `nar/${storePathHash(topBadNar)}.nar`), systemNar(boot('9.9.9')));
  // A second cache whose narinfos are signed by an untrusted key.
  await writeFakeCache(evil, [{ path: sslA, references: [], narSize: 1 }], [other]);
  http = await serveBinaryCache(good);
});
afterAll(async () => {
  await http?.stop();
  await tmp?.cleanup();
});

describe('cacheSource', () => {
  it('reads two closures from a file:// cache, each narinfo once, with their NAR sizes', async () => {
    const src = cacheSource({ caches: [`file://${good}`], trustedKeys: [key.publicKey] });
    const a = await src.closure(topA);
    const b = await src.closure(topB);
    expect(a.map((p) => p.path).sort()).toEqual([topA, sslA, glibc, ...Object.values(boot('6.6.1'))].sort());
    expect(b.find((p) => p.path === curl)?.narSize).toBe(2_000);
    expect(b).toHaveLength(7);
    expect(src.narinfosRead()).toBe(9); // topA's 6, then only topB, sslB and curl: glibc and the kernel paths are not read again
  });

  it('reads the same over HTTP and the boot links from the top-level NAR, checked against the signed NarHash', async () => {
    const src = cacheSource({ caches: [http.url], trustedKeys: [key.publicKey], concurrency: 2 });
    expect((await src.closure(topB)).length).toBe(7);
    const b1 = boot('6.6.1');
    expect(await src.bootLinks(topA)).toEqual({ known: true, links: { kernel: `${b1.kernel}/bzImage`, initrd: `${b1.initrd}/initrd`, 'kernel-modules': b1.modules } });
    expect(await src.bootLinks(topGz)).toMatchObject({ known: true, links: { kernel: `${boot('6.6.2').kernel}/bzImage` } });
    expect(await src.bootLinks(topBz)).toEqual({ known: false, why: 'the top-level NAR is compressed with bzip2, which Ogygia does not read' });
    await expect(src.bootLinks(topBadNar)).rejects.toMatchObject({ code: 'CacheReadError', data: { reason: 'nar-hash-mismatch' } });
  });

  it('reads a NAR only from inside the cache (its URL is not signed)', async () => {
    const dir = join(tmp.path, 'escape');
    const [info] = await writeFakeCache(dir, [{ path: topA, references: [], nar: systemNar() }], [key]);
    for (const url of ['../good/nar/x.nar', '/etc/passwd', 'http://127.0.0.1:9/x.nar', 'nar/./x']) {
      await writeFile(join(dir, `${storePathHash(topA)}.narinfo`), formatNarInfo({ ...info!, url }));
      await expect(cacheSource({ caches: [`file://${dir}`], trustedKeys: [key.publicKey] }).bootLinks(topA)).rejects.toMatchObject({
        code: 'CacheReadError',
        data: { reason: 'nar-url-outside' },
      });
    }
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const counting: typeof fetch = async (input, init) => {
      inFlight++;
      most = Math.max(most, inFlight);
      try {
        const r = await fetch(input, init);
        return new Response(await r.arrayBuffer(), { status: r.status, headers: r.headers });
      } finally {
        inFlight--;
      }
    };
    await cacheSource({ caches: [http.url], trustedKeys: [key.publicKey], concurrency: 2, fetch: counting }).closure(topB);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(2);
  });

  it('refuses narinfos no trusted key signed, and takes the next cache that has a signed one', async () => {
    await expect(cacheSource({ caches: [`file://${evil}`], trustedKeys: [key.publicKey] }).closure(sslA)).rejects.toMatchObject({
      code: 'UntrustedNarinfoError',
      data: { storePath: sslA, cache: `file://${evil}` },
    });
    const both = cacheSource({ caches: [`file://${evil}`, `file://${good}`], trustedKeys: [key.publicKey] });
    expect((await both.closure(sslA)).map((p) => p.path).sort()).toEqual([sslA, glibc].sort());
  });

  it('refuses a narinfo whose signed fields were changed (a cache hiding a dependency or shrinking a closure)', async () => {
    const dir = join(tmp.path, 'tampered');
    const [info] = await writeFakeCache(dir, [{ path: sslA, references: [glibc], narSize: 5_000 }], [key]);
    await writeFile(join(dir, `${storePathHash(sslA)}.narinfo`), formatNarInfo({ ...info!, references: [], narSize: 1 }));
    await expect(cacheSource({ caches: [`file://${dir}`], trustedKeys: [key.publicKey] }).closure(sslA)).rejects.toMatchObject({ code: 'UntrustedNarinfoError' });
    // A narinfo for another path than the one asked for.
    const [glibcInfo] = await writeFakeCache(join(tmp.path, 'other'), [{ path: glibc, references: [] }], [key]);
    await writeFile(join(dir, `${storePathHash(sslA)}.narinfo`), formatNarInfo(glibcInfo!));
    await expect(cacheSource({ caches: [`file://${dir}`], trustedKeys: [key.publicKey] }).closure(sslA)).rejects.toMatchObject({ code: 'UntrustedNarinfoError' });
  });

  it('names a path no cache holds, a cache that is down, and an answer that is no narinfo', async () => {
    const missing = packagePath('missing-1.0');
    await expect(cacheSource({ caches: [`file://${good}`, http.url], trustedKeys: [key.publicKey] }).closure(missing)).rejects.toMatchObject({
      code: 'NarinfoNotFoundError',
      data: { storePath: missing },
    });
    await expect(cacheSource({ caches: ['http://127.0.0.1:9'], trustedKeys: [key.publicKey] }).closure(glibc)).rejects.toMatchObject({ code: 'CacheReadError' });
    const dir = join(tmp.path, 'junk');
    await writeFakeCache(dir, [], []);
    await writeFile(join(dir, `${storePathHash(glibc)}.narinfo`), 'garbage\n');
    await expect(cacheSource({ caches: [`file://${dir}`], trustedKeys: [key.publicKey] }).closure(glibc)).rejects.toMatchObject({ code: 'CacheReadError' });
    await writeFile(join(dir, `${storePathHash(glibc)}.narinfo`), 'X'.repeat(70 * 1024));
    await expect(cacheSource({ caches: [`file://${dir}`], trustedKeys: [key.publicKey] }).closure(glibc)).rejects.toMatchObject({ code: 'CacheReadError' });
    expect(parseNarInfo('garbage').ok).toBe(false);
  });
});

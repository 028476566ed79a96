import { execa } from 'execa';
import { decompress } from 'fzstd';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Nix32 } from '../core/narinfo.js';
import { storePathHash } from '../core/store-path.js';
import { startTestIrisd, type TestIrisd } from '../testkit/irisd.js';
import { buildChain, copyIntoStore, nixEnv, nixKeyPair, requireNix } from '../testkit/nix.js';
import type { Started } from '../testkit/processes.js';
import { makeTempDir } from '../testkit/tmp.js';

// `[cache] compression = "zstd"` with the real Nix client: Nix must accept irisd's zstd NARs (a run of
// frames, chunked), and irisd peers keep passing NARs to each other uncompressed.

const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
let tmp: { path: string; cleanup: () => Promise<void> };
const started: Started[] = [];
let key: { secretFile: string; publicKey: string };
let Z: TestIrisd; // holds the paths, compression = "zstd"
let H: TestIrisd; // holds nothing, compression = "zstd", Z as its peer
let small: { top: string; closure: string[] };
let big: string; // a few MiB of text: streamed (not one small read), several frames, compressible

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer; text: string; headers: Headers }> {
  const r = await fetch(url, { headers, signal: AbortSignal.timeout(30_000) });
  const body = Buffer.from(await r.arrayBuffer());
  return { status: r.status, body, text: body.toString('utf8'), headers: r.headers };
}

const field = (narinfo: string, k: string): string | undefined => new RegExp(`^${k}: (.*)$`, 'm').exec(narinfo)?.[1];

async function copyAndVerify(from: string, paths: string[], name: string): Promise<void> {
  const dest = join(tmp.path, name);
  const env = nixEnv({}, [key.publicKey]);
  const r = await execa('nix', ['copy', '--from', from, '--to', `local?root=${dest}`, ...paths], { env, reject: false });
  expect(r.stderr).not.toMatch(/error/);
  expect(r.exitCode).toBe(0);
  // Every path's contents hashed against its NarHash, and its signature checked.
  const check = await execa('nix', ['store', 'verify', '--store', `local?root=${dest}`, '-r', ...paths], { env, reject: false });
  expect(check.stderr).not.toMatch(/modified|untrusted|error/);
  expect(check.exitCode).toBe(0);
}

beforeAll(async () => {
  await requireNix();
  tmp = await makeTempDir('ogygia-irisd-zstd-');
  key = await nixKeyPair(tmp.path, 'fleet-1');
  const salt = `${process.pid}-${Date.now()}`;
  small = await buildChain(join(tmp.path, 'build'), { name: 'zsmall', length: 3, salt });
  const drv = join(tmp.path, 'big.nix');
  await writeFile(
    drv,
    `derivation { name = "zbig"; system = builtins.currentSystem; builder = "/bin/sh"; PATH = "/usr/bin:/bin"; args = [ "-c" "mkdir $out; echo ${salt} > $out/salt; seq 1 700000 > $out/numbers" ]; }\n`,
  );
  big = String((await execa('nix-build', [drv, '--no-out-link'], { env: nixEnv() })).stdout).trim();
  const sZ = join(tmp.path, 'sZ');
  await copyIntoStore(sZ, [small.top, big], key.secretFile);
  Z = await startTestIrisd({ dir: tmp.path, name: 'z', root: sZ, trustedKeys: [key.publicKey], toml: 'compression = "zstd"' });
  started.push(Z.proc);
  H = await startTestIrisd({ dir: tmp.path, name: 'h', root: join(tmp.path, 'sH'), trustedKeys: [key.publicKey], peers: [Z.url], toml: 'compression = "zstd"\ncompression_level = 1' });
  started.push(H.proc);
}, 300_000);

afterAll(async () => {
  for (const p of started) await p.stop();
  await tmp?.cleanup();
});

describe('irisd with [cache] compression = "zstd"', () => {
  it('tells Nix clients zstd and the other irisds none, and both URLs give the same NAR', async () => {
    for (const path of [big, small.top]) {
      const h = storePathHash(path);
      const client = (await get(`${Z.url}/${h}.narinfo`)).text;
      const hop = (await get(`${Z.url}/${h}.narinfo`, { 'x-iris-hop': '1' })).text;
      expect(field(client, 'Compression')).toBe('zstd');
      expect(field(client, 'URL')).toMatch(new RegExp(`^nar/${h}-[0-9a-z]{52}\\.nar\\.zst$`));
      expect(field(client, 'FileHash')).toBeUndefined();
      expect(field(hop, 'Compression')).toBe('none');
      expect(field(client, 'URL')).toBe(`${field(hop, 'URL')}.zst`);
      for (const k of ['StorePath', 'NarHash', 'NarSize', 'References', 'Sig']) expect(field(client, k), k).toBe(field(hop, k));

      const plain = await get(`${Z.url}/${field(hop, 'URL')}`); // an old narinfo's URL still works
      const zst = await get(`${Z.url}/${field(client, 'URL')}`);
      expect([plain.status, zst.status]).toEqual([200, 200]);
      expect(zst.body.subarray(0, 4).equals(ZSTD_MAGIC)).toBe(true);
      expect(sha256Nix32(plain.body)).toBe(field(client, 'NarHash'));
      expect(Buffer.from(decompress(zst.body)).equals(plain.body)).toBe(true);
      if (path === big) {
        expect(plain.body.length).toBeGreaterThan(4 * 1024 * 1024); // streamed, in several zstd frames
        expect(zst.body.length).toBeLessThan(plain.body.length / 3);
      }
    }
  });

  it('nix copy --from the irisd fetches the closures, and every path verifies', async () => {
    await copyAndVerify(Z.url, [small.top, big], 'client-z');
  });

  it('through a hop: the peer sends the NARs uncompressed, the client still gets zstd, fresh and from the NAR cache', async () => {
    const h = storePathHash(big);
    const first = await get(`${H.url}/${h}.narinfo`);
    expect(first.headers.get('x-iris-source')).toBe('peer'); // Z's uncompressed narinfo was accepted
    expect(field(first.text, 'Compression')).toBe('zstd');
    await copyAndVerify(H.url, [small.top, big], 'client-h1');
    expect((await get(`${H.url}/${h}.narinfo`)).headers.get('x-iris-source')).toBe('cache');
    await copyAndVerify(H.url, [small.top, big], 'client-h2');
  });
});

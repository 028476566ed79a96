import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../testkit/tmp.js';
import { generateSecretKey } from '../keys.js';
import { packagePath } from '../../testkit/store-paths.js';
import { nixEnv } from '../../testkit/nix.js';
import { openClosureSource } from './open-source.js';

const missing = packagePath('nixos-system-nowhere-1.0');

describe('openClosureSource', () => {
  it('refuses to read caches it cannot use: none named, or no key to check their signatures', async () => {
    await expect(openClosureSource({ caches: [], trustedKeys: [], localStore: false }).closure(missing)).rejects.toMatchObject({ code: 'NoCacheError' });
    await expect(openClosureSource({ caches: ['https://cache.example.com'], trustedKeys: [], localStore: false }).bootLinks(missing)).rejects.toMatchObject({
      code: 'NoCacheKeyError',
      data: { caches: ['https://cache.example.com'] },
    });
  });

  it('asks the local store first (real Nix) and, for a path it does not hold, the caches', async () => {
    const key = generateSecretKey('cache-1');
    const src = openClosureSource({ caches: ['file:///nonexistent-ogygia-cache'], trustedKeys: [key.publicKey], env: nixEnv() });
    await expect(src.closure(missing)).rejects.toMatchObject({ code: 'NarinfoNotFoundError', data: { storePath: missing } });
    // A path the local store holds is read there, though no cache has it.
    const tmp = await makeTempDir('ogygia-open-source-');
    try {
      await writeFile(join(tmp.path, 'kernel-6.6.1'), `made by a test at ${Date.now()}\n`);
      const local = String((await execa('nix-store', ['--add', join(tmp.path, 'kernel-6.6.1')], { env: nixEnv() })).stdout).trim();
      const closure = await src.closure(local);
      expect(closure).toEqual([{ path: local, narSize: expect.any(Number) }]);
      expect(closure[0]!.narSize).toBeGreaterThan(0);
      expect(await src.bootLinks(local)).toEqual({ known: true, links: {} });
    } finally {
      await tmp.cleanup();
    }
  });
});

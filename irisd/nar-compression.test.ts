import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateSecretKey } from '../core/keys.js';
import { encodeNix32 } from '../core/nix32.js';
import { fingerprint, formatNarInfo, parseNarInfo, signNarInfo, verifiedSigners, type NarInfo } from '../core/narinfo.js';
import { packagePath } from '../testkit/store-paths.js';
import { clientNarInfo } from './nar-compression.js';
import { NAR_FILE, narUrl } from './nar-url.js';

const key = generateSecretKey('iris-test-1');
const pub = key.publicKey;

function served(name: string, narHashBytes: Uint8Array, narSize: number, references: string[]): NarInfo {
  const storePath = packagePath(name);
  const narHash = 'sha256:' + encodeNix32(narHashBytes);
  const base: NarInfo = { storePath, url: narUrl({ storePath, narHash }), compression: 'none', narHash, narSize, references, sigs: [] };
  return { ...base, sigs: [signNarInfo(base, key)] };
}

const top = served('hello-2.12', new Uint8Array(32).fill(7), 226_936, [packagePath('glibc-2.38')]);

describe('clientNarInfo', () => {
  it('with zstd: the .nar.zst URL and Compression: zstd, NarHash and NarSize unchanged, no FileHash/FileSize', () => {
    const withFile = { ...top, fileHash: top.narHash, fileSize: top.narSize };
    const text = formatNarInfo(clientNarInfo(withFile, 'zstd'));
    const h = top.storePath.slice('/nix/store/'.length, '/nix/store/'.length + 32);
    expect(text).toBe(
      [
        `StorePath: ${top.storePath}`,
        `URL: nar/${h}-${top.narHash.slice(7)}.nar.zst`,
        'Compression: zstd',
        `NarHash: ${top.narHash}`,
        'NarSize: 226936',
        `References: ${packagePath('glibc-2.38').slice('/nix/store/'.length)}`,
        `Sig: ${top.sigs[0]}`,
        '',
      ].join('\n'),
    );
  });

  it('with none: the narinfo as it is (the same object)', () => {
    expect(clientNarInfo(top, 'none')).toBe(top);
  });

  it('leaves a narinfo that is already compressed, or not at an irisd .nar URL, alone', () => {
    const xz = { ...top, url: 'nar/abc.nar.xz', compression: 'xz' };
    expect(clientNarInfo(xz, 'zstd')).toBe(xz);
    const odd = { ...top, url: 'nar/abc' };
    expect(clientNarInfo(odd, 'zstd')).toBe(odd);
  });

  it('keeps every signature valid and names a file the /nar/ route accepts, for any path', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.nat({ max: 2 ** 40 }),
        fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 4 }),
        (hash, size, refs) => {
          const n = served('p', hash, size, refs.map((r) => packagePath(r)));
          const z = clientNarInfo(n, 'zstd');
          expect(fingerprint(z)).toBe(fingerprint(n));
          expect(verifiedSigners(z, [pub])).toEqual(['iris-test-1']);
          const m = NAR_FILE.exec(z.url.slice('nar/'.length));
          expect(m?.[3]).toBe('.zst');
          expect(NAR_FILE.exec(n.url.slice('nar/'.length))?.[3]).toBeUndefined();
          expect(clientNarInfo(z, 'zstd')).toBe(z); // applied twice, no .zst.zst
          const parsed = parseNarInfo(formatNarInfo(z));
          expect(parsed.ok && parsed.value).toEqual(z);
        },
      ),
    );
  });
});

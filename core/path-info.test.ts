import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeNix32 } from './nix32.js';
import { parsePathInfoJson, type PathInfo } from './path-info.js';
import { packagePath } from '../testkit/store-paths.js';

const a = packagePath('hello-2.12');
const b = packagePath('glibc-2.38');
const drv = packagePath('hello-2.12.drv');
// One SHA-256 in every spelling Nix has used.
const bytes = new Uint8Array(32).map((_, i) => i * 7 + 1);
const nix32 = encodeNix32(bytes);
const base64 = Buffer.from(bytes).toString('base64');
const hex = Buffer.from(bytes).toString('hex');
const narHash = `sha256:${nix32}`;
const base = (p: string): string => p.slice('/nix/store/'.length);

const expected: PathInfo = { path: a, narHash, narSize: 226560, references: [a, b], deriver: drv, sigs: ['cache-1:c2ln'] };

describe('parsePathInfoJson', () => {
  it('reads the array Nix ≤ 2.18 prints', () => {
    const text = JSON.stringify([
      { path: a, narHash, narSize: 226560, references: [a, b], deriver: drv, signatures: ['cache-1:c2ln'], valid: true },
      { path: b, valid: false },
    ]);
    expect(parsePathInfoJson(text)).toEqual([expected]);
  });

  it('reads the object keyed by path that Nix 2.19 and later print (null for an invalid path)', () => {
    const text = JSON.stringify({
      [a]: { narHash: `sha256-${base64}`, narSize: 226560, references: [a, b], deriver: drv, signatures: ['cache-1:c2ln'], ca: null, ultimate: false },
      [b]: null,
    });
    expect(parsePathInfoJson(text)).toEqual([expected]);
  });

  it('reads format version 2: store paths without the store directory, structured hashes and content addresses', () => {
    const text = JSON.stringify({
      [base(a)]: {
        version: 2,
        storeDir: '/nix/store',
        narHash: { algorithm: 'sha256', format: 'base64', hash: base64 },
        narSize: 226560,
        references: [base(a), base(b)],
        ca: { method: 'nar', hash: { algorithm: 'sha256', format: 'base16', hash: hex } },
        deriver: base(drv),
        signatures: ['cache-1:c2ln'],
        registrationTime: 1,
        lastUsageTime: null,
        ultimate: false,
      },
    });
    expect(parsePathInfoJson(text)).toEqual([{ ...expected, ca: `fixed:r:${narHash}` }]);
  });

  it('keeps a content address given as a string, and the other methods', () => {
    const ca = (c: unknown): string | undefined => parsePathInfoJson(JSON.stringify({ [a]: { narHash, narSize: 1, ca: c } }))[0]!.ca;
    expect(ca(`fixed:r:${narHash}`)).toBe(`fixed:r:${narHash}`);
    expect(ca({ method: 'flat', hash: { algorithm: 'sha256', format: 'nix32', hash: nix32 } })).toBe(`fixed:${narHash}`);
    expect(ca({ method: 'text', hash: { algorithm: 'sha256', format: 'sri', hash: `sha256-${base64}` } })).toBe(`text:${narHash}`);
    // Not something a narinfo line can carry here: left out rather than invented.
    expect(ca({ method: 'git', hash: { algorithm: 'sha1', format: 'base16', hash: 'ab'.repeat(20) } })).toBeUndefined();
    expect(ca('')).toBeUndefined();
  });

  it('drops entries it cannot trust: no NAR hash, another algorithm, no size, not a store path', () => {
    const text = JSON.stringify({
      [a]: { narSize: 1 },
      [b]: { narHash: { algorithm: 'sha512', format: 'base64', hash: base64 }, narSize: 1 },
      [drv]: { narHash, narSize: '1' },
      '/tmp/not-a-store-path': { narHash, narSize: 1 },
      [packagePath('ok-1')]: { narHash, narSize: 1, references: ['/etc/passwd', a], signatures: [7, 'k:s'] },
    });
    expect(parsePathInfoJson(text)).toEqual([{ path: packagePath('ok-1'), narHash, narSize: 1, references: [a], sigs: ['k:s'] }]);
    expect(parsePathInfoJson('null')).toEqual([]);
    expect(() => parsePathInfoJson('not json')).toThrow(SyntaxError);
  });

  it('reads the same paths from every shape (property)', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9.-]{0,12}$/);
    const info = fc.record({
      path: name.map((n) => packagePath(n)),
      hash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
      narSize: fc.nat(),
      references: fc.array(name.map((n) => packagePath(n)), { maxLength: 4 }),
      deriver: fc.option(name.map((n) => packagePath(`${n}.drv`)), { nil: undefined }),
      sigs: fc.array(fc.stringMatching(/^[a-z]{1,8}-1:[A-Za-z0-9+/]{4,12}$/), { maxLength: 2 }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(info, { selector: (i) => i.path, maxLength: 6 }), (infos) => {
        const want: PathInfo[] = infos.map((i) => ({
          path: i.path,
          narHash: `sha256:${encodeNix32(i.hash)}`,
          narSize: i.narSize,
          references: i.references,
          sigs: i.sigs,
          ...(i.deriver ? { deriver: i.deriver } : {}),
        }));
        const b64 = (h: Uint8Array): string => Buffer.from(h).toString('base64');
        const v1 = infos.map((i) => ({ path: i.path, narHash: `sha256:${encodeNix32(i.hash)}`, narSize: i.narSize, references: i.references, deriver: i.deriver ?? null, signatures: i.sigs }));
        const keyed = Object.fromEntries(infos.map((i) => [i.path, { narHash: `sha256-${b64(i.hash)}`, narSize: i.narSize, references: i.references, deriver: i.deriver ?? null, signatures: i.sigs, ca: null }]));
        const v2 = Object.fromEntries(
          infos.map((i) => [
            base(i.path),
            { version: 2, storeDir: '/nix/store', narHash: { algorithm: 'sha256', format: 'base64', hash: b64(i.hash) }, narSize: i.narSize, references: i.references.map(base), deriver: i.deriver ? base(i.deriver) : null, signatures: i.sigs, ca: null },
          ]),
        );
        for (const shape of [v1, keyed, v2]) expect(parsePathInfoJson(JSON.stringify(shape))).toEqual(want);
      }),
    );
  });
});

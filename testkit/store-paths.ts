import { createHash } from 'node:crypto';

const NIX32 = '0123456789abcdfghijklmnpqrsvwxyz';
const NAME = /^[A-Za-z0-9+._?=-]+$/;

/**
 * A fake but well-formed store path of a NixOS system closure: deterministic
 * and order-independent (the same label always gives the same path, in any
 * test, in any order), and different labels give different hashes. The hash
 * is the first 160 bits of SHA-256(label) in Nix's base-32 alphabet, so it
 * matches DESIGN §3's store path syntax. Nothing needs to exist in a store
 * for format, signature and planning checks; tests that apply a release
 * build real closures (testkit/nix.ts).
 */
export function storePath(label: string): string {
  if (!NAME.test(label)) throw new Error(`storePath: ${JSON.stringify(label)} is not usable in a store path name`);
  return `/nix/store/${fakeHash(label)}-nixos-system-${label}`;
}

/**
 * A fake store path of any package, named as Nix names it (`openssl-3.0.12`,
 * `linux-6.6.1-modules`): the same rules as `storePath`, with the hash taken
 * from `seed` (default: the name), so two paths of one name can differ.
 */
export function packagePath(name: string, seed: string = name): string {
  if (!NAME.test(name)) throw new Error(`packagePath: ${JSON.stringify(name)} is not usable in a store path name`);
  return `/nix/store/${fakeHash(seed)}-${name}`;
}

function fakeHash(label: string): string {
  const digest = createHash('sha256').update(label).digest();
  let out = '';
  for (let i = 0; i < 32; i++) {
    const bit = i * 5;
    const byte = bit >> 3;
    const word = (digest[byte]! << 8) | digest[byte + 1]!;
    out += NIX32[(word >> (11 - (bit & 7))) & 31];
  }
  return out;
}

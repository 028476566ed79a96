import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseSecretKey, type SecretKey } from '../core/keys.js';

/**
 * The one set of release-signing keys for tests, benchmarks and the demo:
 * TEST-ONLY keys committed under fixtures/keys/ (see its README). Their
 * secret halves are public, so nothing outside this repository may trust them.
 *
 * - `test-only-ops-1`, `test-only-ops-2`: the trusted operators (two for thresholds);
 * - `test-only-intruder`: a well-formed key that no test policy trusts.
 */
export const TEST_KEY_NAMES = ['test-only-ops-1', 'test-only-ops-2', 'test-only-intruder'] as const;
export type TestKeyName = (typeof TEST_KEY_NAMES)[number];

/** The secret key file (Nix's format, as `ogygia keygen` writes it), for `--key`. */
export function testKeyFile(name: TestKeyName): string {
  return fileURLToPath(new URL(`../fixtures/keys/${name}.secret`, import.meta.url));
}

/** The public key line `NAME:BASE64`, as a trust policy lists it (fixtures/keys/<name>.pub). */
export function testPublicKey(name: TestKeyName): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/keys/${name}.pub`, import.meta.url)), 'utf8').trim();
}

export function testKey(name: TestKeyName): SecretKey {
  return parseSecretKey(readFileSync(testKeyFile(name), 'utf8'));
}


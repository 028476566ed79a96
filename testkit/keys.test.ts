import { existsSync, readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatPublicKey } from '../core/keys.js';
import { TEST_KEY_NAMES, testKey, testKeyFile, testPublicKey } from './keys.js';
import { TEST_HOST_KEY_FILES } from './ssh-keys.js';

describe('the test-only keys (fixtures/keys/)', () => {
  it.each(TEST_KEY_NAMES)('%s: the secret parses, carries its name, and its .pub is its public half', (name) => {
    const key = testKey(name);
    expect(key.name).toBe(name);
    expect(existsSync(testKeyFile(name))).toBe(true);
    expect(testPublicKey(name)).toBe(formatPublicKey(key.publicKey));
    expect(testPublicKey(name).startsWith(`${name}:`)).toBe(true);
  });

  it('are distinct keys, every name marked test-only', () => {
    const publics = TEST_KEY_NAMES.map((n) => testPublicKey(n).split(':')[1]);
    expect(new Set(publics).size).toBe(TEST_KEY_NAMES.length);
    for (const n of TEST_KEY_NAMES) expect(n).toMatch(/^test-only-/);
  });

  it('are the only key files there, with the SSH host keys (testkit/ssh-keys.ts): one set of test keys', () => {
    const files = readdirSync(dirname(testKeyFile('test-only-ops-1'))).sort();
    expect(files).toEqual(['README.md', ...TEST_KEY_NAMES.flatMap((n) => [`${n}.pub`, `${n}.secret`]), ...TEST_HOST_KEY_FILES].sort());
    for (const f of TEST_HOST_KEY_FILES) expect(f).toMatch(/^test-only-/);
  });
});

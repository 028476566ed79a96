import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../testkit/error-code.js';
import { encodeOpenSshPrivateKey, testHostKeyFile } from '../testkit/ssh-keys.js';
import { InvalidHostKeyError } from './errors/index.js';
import {
  findSshPublicKey,
  formatSshPublicKey,
  parseHostKey,
  parseOpenSshPrivateKey,
  parseSshPublicKey,
  sshFingerprint,
  sshPublicKeyBlob,
  type HostKey,
} from './host-key.js';
import { formatSecretKey, generateSecretKey, publicKeyOfSeed } from './keys.js';

const read = (name: Parameters<typeof testHostKeyFile>[0]): string => readFileSync(testHostKeyFile(name), 'utf8');
const WEB01 = read('test-only-host-web01');
const WEB01_PUB = read('test-only-host-web01.pub').trim();
const RSA_PUB = read('test-only-host-rsa.pub').trim();
const reason = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    if (e instanceof InvalidHostKeyError) return e.data.reason;
    throw e;
  }
  return undefined;
};

const seedArb = fc.uint8Array({ minLength: 32, maxLength: 32 });
const keyOf = (seed: Uint8Array): HostKey => ({ seed, publicKey: publicKeyOfSeed(seed) });

describe('OpenSSH public keys (hosts.toml, .pub files, ssh-keyscan)', () => {
  it('reads ssh-keygen output: the key, its comment, and the fingerprint ssh-keygen -l prints', () => {
    const k = parseSshPublicKey(WEB01_PUB, 'web01.pub');
    expect(k.comment).toBe('root@test-only-web01');
    expect(k.bytes.length).toBe(32);
    // `ssh-keygen -lf fixtures/keys/test-only-host-web01.pub`
    expect(sshFingerprint(k.bytes)).toBe('SHA256:aNR6rfOsYOb53WoueD+SBnjNHf4oOLGQyO4Kk9rYneY');
    expect(formatSshPublicKey(k)).toBe(WEB01_PUB);
  });

  it('is the public half of the private key file beside it', () => {
    expect(parseHostKey(WEB01, 'web01').publicKey).toEqual(parseSshPublicKey(WEB01_PUB, 'p').bytes);
  });

  it('finds the one ed25519 key in ssh-keyscan output, among other types and comments', () => {
    const b64 = WEB01_PUB.split(' ')[1];
    const scan = [`# 10.0.0.1:22 SSH-2.0-OpenSSH_9.2`, `10.0.0.1 ${RSA_PUB.split(' ').slice(0, 2).join(' ')}`, `10.0.0.1 ssh-ed25519 ${b64}`, `[web01]:2222 ssh-ed25519 ${b64}`].join('\n');
    const k = findSshPublicKey(scan, 'keyscan');
    expect(k).toEqual({ bytes: parseSshPublicKey(WEB01_PUB, 'p').bytes, comment: '' });
    expect(findSshPublicKey(`${WEB01_PUB}\n`, 'pub').comment).toBe('root@test-only-web01');
  });

  it.each([
    ['an RSA key', RSA_PUB, 'not-ed25519'],
    ['nothing', '', 'format'],
    ['a comment only', '# nothing here', 'format'],
    ['a private key', WEB01, 'format'],
    ['garbage base64', 'ssh-ed25519 AAAA!!!!', 'damaged'],
    ['a blob of another type under the ed25519 word', `ssh-ed25519 ${RSA_PUB.split(' ')[1]}`, 'not-ed25519'],
    ['a short key', `ssh-ed25519 ${Buffer.from(sshPublicKeyBlob(new Uint8Array(31))).toString('base64')}`, 'damaged'],
  ])('refuses %s', (_what, text, why) => {
    expect(reason(() => findSshPublicKey(text, 'f'))).toBe(why);
  });

  it('refuses two different ed25519 keys in one text', () => {
    const other = formatSshPublicKey({ bytes: publicKeyOfSeed(new Uint8Array(32).fill(7)), comment: '' });
    expect(reason(() => findSshPublicKey(`${WEB01_PUB}\n${other}\n`, 'f'))).toBe('several');
    expect(reason(() => findSshPublicKey(`${WEB01_PUB}\n${WEB01_PUB}\n`, 'f'))).toBeUndefined();
  });

  it('refuses a key line with a newline or text around it in hosts.toml', () => {
    expect(reason(() => parseSshPublicKey(`${WEB01_PUB}\nssh-rsa AAAA`, 'k'))).toBe('format');
    expect(reason(() => parseSshPublicKey('ssh-ed25519', 'k'))).toBe('format');
    expect(reason(() => parseSshPublicKey(`web01 ${WEB01_PUB}`, 'k'))).toBe('format');
  });

  it('round-trips any key and comment through the line it formats', () => {
    fc.assert(
      fc.property(seedArb, fc.string({ maxLength: 40 }), (seed, comment) => {
        const bytes = publicKeyOfSeed(seed);
        const line = formatSshPublicKey({ bytes, comment });
        const back = parseSshPublicKey(line, 'k');
        expect(back.bytes).toEqual(bytes);
        expect(back.comment).toBe(comment.replace(/\p{Cc}/gu, ' ').replace(/\s+/g, ' ').trim());
        expect(line).not.toMatch(/\p{Cc}/u);
      }),
    );
  });

  it('never throws anything but InvalidHostKeyError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        for (const f of [() => findSshPublicKey(s, 'f'), () => parseSshPublicKey(s, 'f'), () => parseSshPublicKey(`ssh-ed25519 ${s}`, 'f')]) {
          const code = codeOf(f);
          expect(code === undefined || code === 'InvalidHostKeyError').toBe(true);
        }
      }),
    );
  });
});

describe('OpenSSH private keys (openssh-key-v1)', () => {
  it('reads a key ssh-keygen wrote', () => {
    const k = parseOpenSshPrivateKey(WEB01, 'web01');
    expect(publicKeyOfSeed(k.seed)).toEqual(k.publicKey);
  });

  it('refuses a key under a passphrase, naming its cipher', () => {
    const e = (() => {
      try {
        parseHostKey(read('test-only-host-encrypted'), 'enc');
      } catch (x) {
        return x as InvalidHostKeyError;
      }
    })();
    expect(e?.data).toEqual({ reason: 'encrypted', source: 'enc', cipher: 'aes256-ctr' });
  });

  it('reads back what the encoder writes, for any seed and comment', () => {
    fc.assert(
      fc.property(seedArb, fc.string({ maxLength: 30 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed, comment, check) => {
        const key = keyOf(seed);
        expect(parseOpenSshPrivateKey(encodeOpenSshPrivateKey(key, { comment, check: [check, check] }), 'k')).toEqual(key);
      }),
    );
  });

  it('the encoder writes byte for byte what ssh-keygen writes (same seed, comment and check number)', () => {
    const k = parseOpenSshPrivateKey(WEB01, 'web01');
    const raw = Buffer.from(WEB01.trim().split('\n').slice(1, -1).join(''), 'base64');
    // magic (15), "none" (8), "none" (8), empty KDF options (4), key count (4), public blob (4 + 51), private section length (4)
    const checkNumber = raw.readUInt32BE(15 + 8 + 8 + 4 + 4 + 55 + 4);
    expect(encodeOpenSshPrivateKey(k, { comment: 'root@test-only-web01', check: [checkNumber, checkNumber] })).toBe(WEB01);
  });

  it.each<[string, Parameters<typeof encodeOpenSshPrivateKey>[1], string]>([
    ['check numbers that differ', { check: [1, 2] }, 'damaged'],
    ['two keys', { keys: 2 }, 'damaged'],
    ['another key type inside', { type: 'ssh-rsa' }, 'not-ed25519'],
    ['a public key that is not the seed’s', { innerPublic: new Uint8Array(32).fill(9) }, 'damaged'],
    ['bad padding', { padding: Uint8Array.of(9, 9, 9, 9, 9, 9, 9, 9) }, 'damaged'],
    ['a cipher', { cipher: 'aes256-ctr' }, 'encrypted'],
  ])('refuses %s', (_what, parts, why) => {
    expect(reason(() => parseOpenSshPrivateKey(encodeOpenSshPrivateKey(keyOf(new Uint8Array(32).fill(3)), parts), 'k'))).toBe(why);
  });

  it('refuses text that is not a key, and truncated keys, with InvalidHostKeyError only', () => {
    expect(reason(() => parseHostKey('hello', 'k'))).toBe('private-format');
    expect(reason(() => parseHostKey('-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n', 'k'))).toBe('private-format');
    expect(reason(() => parseOpenSshPrivateKey(WEB01.replace('-----END OPENSSH PRIVATE KEY-----', ''), 'k'))).toBe('damaged');
    const lines = WEB01.trim().split('\n');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: lines.slice(1, -1).join('').length - 1 }), fc.integer({ min: 0, max: 63 }), (cut, flip) => {
        const body = lines.slice(1, -1).join('');
        const damaged = [lines[0], body.slice(0, cut) + 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'[flip] + body.slice(cut + 1), lines.at(-1)].join('\n');
        const truncated = [lines[0], body.slice(0, cut - (cut % 4)), lines.at(-1)].join('\n');
        for (const text of [damaged, truncated]) {
          const code = codeOf(() => parseHostKey(text, 'k'));
          expect(code === undefined || code === 'InvalidHostKeyError').toBe(true);
        }
        expect(codeOf(() => parseHostKey(truncated, 'k'))).toBe('InvalidHostKeyError');
      }),
    );
  });
});

describe('Nix-format host keys', () => {
  it('takes a Nix ed25519 secret key (`nix key generate-secret`) as the host key', () => {
    const k = generateSecretKey('web01-host');
    expect(parseHostKey(formatSecretKey(k) + '\n', 'k')).toEqual({ seed: k.seed, publicKey: k.publicKey.bytes });
    expect(reason(() => parseHostKey(formatSecretKey(k).slice(0, 30), 'k'))).toBe('private-format');
  });
});

import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { AUTH_MAGIC, PEM_BEGIN, PEM_END, SSH_ED25519, parseHostKey, sshPublicKeyBlob, sshString, type HostKey } from '../core/host-key.js';
import { requireProgram } from './processes.js';

/**
 * SSH ed25519 host keys for tests: real ones made by `ssh-keygen` (as sshd
 * makes /etc/ssh/ssh_host_ed25519_key), and the openssh-key-v1 encoder the
 * parser's property tests check themselves against.
 */

/** The committed TEST-ONLY SSH host key files in fixtures/keys/ (see its README). */
export const TEST_HOST_KEY_FILES = ['test-only-host-web01', 'test-only-host-web01.pub', 'test-only-host-encrypted', 'test-only-host-rsa.pub'] as const;

export function testHostKeyFile(name: (typeof TEST_HOST_KEY_FILES)[number]): string {
  return fileURLToPath(new URL(`../fixtures/keys/${name}`, import.meta.url));
}

/** A host key made by the real `ssh-keygen -t ed25519 -N ""`: the private key file, its `.pub` line, and the key. */
export interface SshHostKey {
  readonly file: string;
  readonly publicLine: string;
  readonly key: HostKey;
}

export async function sshKeygen(file: string, comment = 'root@test-only'): Promise<SshHostKey> {
  await requireProgram('ssh-keygen', 'openssh-client');
  await mkdir(dirname(file), { recursive: true });
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], { stdin: 'ignore' });
  const publicLine = (await readFile(`${file}.pub`, 'utf8')).trim();
  return { file, publicLine, key: parseHostKey(await readFile(file, 'utf8'), file) };
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0);
  return b;
}

/** What an encoded key may be given, to build damaged or foreign files on purpose. */
export interface OpenSshKeyParts {
  readonly comment?: string;
  readonly check?: readonly [number, number];
  readonly cipher?: string;
  readonly type?: string;
  readonly keys?: number;
  /** Replace the public key inside the private section. */
  readonly innerPublic?: Uint8Array;
  readonly padding?: Uint8Array;
}

/** The openssh-key-v1 text of an ed25519 key (unencrypted unless `cipher` says otherwise), as ssh-keygen writes it. */
export function encodeOpenSshPrivateKey(key: HostKey, parts: OpenSshKeyParts = {}): string {
  const [c1, c2] = parts.check ?? [0x5eed, 0x5eed];
  const inner = parts.innerPublic ?? key.publicKey;
  let priv = concat(
    u32(c1),
    u32(c2),
    sshString(Buffer.from(parts.type ?? SSH_ED25519, 'latin1')),
    sshString(inner),
    sshString(concat(key.seed, inner)),
    sshString(Buffer.from(parts.comment ?? '', 'utf8')),
  );
  const pad = parts.padding ?? Uint8Array.from({ length: (8 - (priv.length % 8)) % 8 }, (_, i) => i + 1);
  priv = concat(priv, pad);
  const cipher = sshString(Buffer.from(parts.cipher ?? 'none', 'latin1'));
  const kdf = sshString(Buffer.from(parts.cipher && parts.cipher !== 'none' ? 'bcrypt' : 'none', 'latin1'));
  const all = concat(Buffer.from(AUTH_MAGIC, 'latin1'), cipher, kdf, sshString(new Uint8Array(0)), u32(parts.keys ?? 1), sshString(sshPublicKeyBlob(key.publicKey)), sshString(priv));
  const b64 = Buffer.from(all).toString('base64').replace(/(.{70})/g, '$1\n').trim();
  return `${PEM_BEGIN}\n${b64}\n${PEM_END}\n`;
}

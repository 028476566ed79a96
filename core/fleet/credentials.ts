import { readFile } from 'node:fs/promises';
import { inspect } from 'node:util';
import { ConfigError } from '../errors/index.js';
import type { FleetStoreConfig } from './types.js';

/**
 * Fleet store credentials (DESIGN.md §11): the config names files, this
 * module reads them when a store is opened (at start). Secrets stay inside a
 * `Secret`, whose text never shows in logs, JSON or `util.inspect`.
 */
export class Secret<T extends string | Buffer = string> {
  readonly #value: T;
  constructor(value: T) {
    this.#value = value;
  }
  /** The secret itself: only for handing it to the store client. */
  reveal(): T {
    return this.#value;
  }
  toString(): string {
    return '[secret]';
  }
  toJSON(): string {
    return '[secret]';
  }
  [inspect.custom](): string {
    return '[secret]';
  }
}

export interface EtcdSecrets {
  /** User and password (`username`, `password_file`). */
  readonly auth?: { readonly username: string; readonly password: Secret };
  /** TLS: the CA that signed the server's certificate, and this client's certificate and key. */
  readonly tls?: { readonly ca?: Buffer; readonly cert?: Buffer; readonly key?: Secret<Buffer> };
}

export interface ZooKeeperSecrets {
  /** Digest auth (`auth_file`, one line `user:password`). */
  readonly digest?: { readonly user: string; readonly password: Secret };
}

/** `<section>.<key>`, as the problem lists of ConfigError spell keys. */
function keyName(config: FleetStoreConfig, key: string): string {
  return `${config.section ?? 'store'}.${key}`;
}

type CredentialKind = 'store-password' | 'store-certificate' | 'store-private-key' | 'store-digest';

async function readCredentialFile(config: FleetStoreConfig, key: string, file: string, kind: CredentialKind): Promise<Buffer> {
  const setting = keyName(config, key);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfigError({ reason: 'missing', kind, setting, file });
    throw new ConfigError({ reason: 'unreadable', kind, setting, file, cause: code === 'EACCES' ? 'EACCES: not readable by this user' : (code ?? (e as Error).message) });
  }
  if (bytes.toString('utf8').trim().length === 0) throw new ConfigError({ reason: 'empty', kind, setting, file });
  return bytes;
}

async function readPem(config: FleetStoreConfig, key: string, file: string, kind: 'store-certificate' | 'store-private-key'): Promise<Buffer> {
  const bytes = await readCredentialFile(config, key, file, kind);
  if (!bytes.toString('utf8').includes('-----BEGIN ')) {
    const setting = keyName(config, key);
    throw new ConfigError({ reason: 'invalid', kind, setting, file, problems: [`${setting}: ${file} is not a PEM file (no "-----BEGIN" line)`] });
  }
  return bytes;
}

/** Read the files an etcd config names; a missing, unreadable or empty file is a ConfigError naming the key and the fix. */
export async function readEtcdSecrets(config: FleetStoreConfig): Promise<EtcdSecrets> {
  const c = config.credentials ?? {};
  const [password, ca, cert, key] = await Promise.all([
    c.passwordFile === undefined
      ? undefined
      : readCredentialFile(config, 'password_file', c.passwordFile, 'store-password'),
    c.caFile === undefined ? undefined : readPem(config, 'ca_file', c.caFile, 'store-certificate'),
    c.certFile === undefined ? undefined : readPem(config, 'cert_file', c.certFile, 'store-certificate'),
    c.keyFile === undefined ? undefined : readPem(config, 'key_file', c.keyFile, 'store-private-key'),
  ]);
  const out: { auth?: EtcdSecrets['auth']; tls?: EtcdSecrets['tls'] } = {};
  if (c.username !== undefined && password !== undefined) out.auth = { username: c.username, password: new Secret(password.toString('utf8').trim()) };
  if (ca !== undefined || cert !== undefined || key !== undefined) {
    out.tls = { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key: new Secret(key) } : {}) };
  }
  return out;
}

/** Read the ZooKeeper `auth_file` (`user:password` on one line); a wrong file is a ConfigError naming the key and the fix. */
export async function readZooKeeperSecrets(config: FleetStoreConfig): Promise<ZooKeeperSecrets> {
  const file = config.credentials?.authFile;
  if (file === undefined) return {};
  const text = (await readCredentialFile(config, 'auth_file', file, 'store-digest')).toString('utf8').trim();
  const colon = text.indexOf(':');
  const user = colon > 0 ? text.slice(0, colon) : '';
  const password = colon > 0 ? text.slice(colon + 1) : '';
  if (user.length === 0 || password.length === 0 || /[\s]/.test(user) || text.includes('\n')) {
    const setting = keyName(config, 'auth_file');
    throw new ConfigError({ reason: 'invalid', kind: 'store-digest', setting, file, problems: [`${setting}: ${file} does not hold "user:password" on one line`] });
  }
  return { digest: { user, password: new Secret(password) } };
}

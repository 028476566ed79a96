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

async function readCredentialFile(config: FleetStoreConfig, key: string, file: string, fix: string): Promise<Buffer> {
  const name = keyName(config, key);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read by this user (EACCES)' : `cannot be read (${code})`;
    throw new ConfigError(`${name}: ${file} ${why}; ${fix}`, { key: name, file, problems: [`${name}: ${file} ${why}`] });
  }
  if (bytes.toString('utf8').trim().length === 0) {
    throw new ConfigError(`${name}: ${file} is empty; ${fix}`, { key: name, file, problems: [`${name}: ${file} is empty`] });
  }
  return bytes;
}

async function readPem(config: FleetStoreConfig, key: string, file: string, fix: string): Promise<Buffer> {
  const bytes = await readCredentialFile(config, key, file, fix);
  if (!bytes.toString('utf8').includes('-----BEGIN ')) {
    const name = keyName(config, key);
    throw new ConfigError(`${name}: ${file} is not a PEM file (no "-----BEGIN" line); ${fix}`, { key: name, file, problems: [`${name}: ${file} is not PEM`] });
  }
  return bytes;
}

/** Read the files an etcd config names; a missing, unreadable or empty file is a ConfigError naming the key and the fix. */
export async function readEtcdSecrets(config: FleetStoreConfig): Promise<EtcdSecrets> {
  const c = config.credentials ?? {};
  const [password, ca, cert, key] = await Promise.all([
    c.passwordFile === undefined
      ? undefined
      : readCredentialFile(config, 'password_file', c.passwordFile, `create it holding the etcd password of ${keyName(config, 'username')} on one line, readable by the user running Ogygia (with systemd: LoadCredential).`),
    c.caFile === undefined ? undefined : readPem(config, 'ca_file', c.caFile, 'point it at the PEM certificate of the CA that signed the etcd server certificates.'),
    c.certFile === undefined ? undefined : readPem(config, 'cert_file', c.certFile, "point it at this host's PEM client certificate."),
    c.keyFile === undefined
      ? undefined
      : readPem(config, 'key_file', c.keyFile, "point it at the PEM private key of the client certificate, readable by the user running Ogygia (with systemd: LoadCredential)."),
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
  const fix = 'create it holding this host\'s ZooKeeper digest credentials as "user:password" on one line (with systemd: LoadCredential).';
  const text = (await readCredentialFile(config, 'auth_file', file, fix)).toString('utf8').trim();
  const colon = text.indexOf(':');
  const user = colon > 0 ? text.slice(0, colon) : '';
  const password = colon > 0 ? text.slice(colon + 1) : '';
  if (user.length === 0 || password.length === 0 || /[\s]/.test(user) || text.includes('\n')) {
    const name = keyName(config, 'auth_file');
    throw new ConfigError(`${name}: ${file} does not hold "user:password" on one line; ${fix}`, { key: name, file, problems: [`${name}: ${file} is not user:password`] });
  }
  return { digest: { user, password: new Secret(password) } };
}

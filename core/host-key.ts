import { createHash } from 'node:crypto';
import { InvalidHostKeyError, OgygiaError } from './errors/index.js';
import { equalBytes, parseSecretKey, publicKeyOfSeed } from './keys.js';

/**
 * A host's SSH ed25519 host key (DESIGN.md §11): the public half is what
 * `hosts.toml` enrolls, the private half signs the host's reports. Pure
 * parsers for the three forms a key comes in:
 *
 * - an OpenSSH public key line, `ssh-ed25519 BASE64 [comment]`
 *   (`/etc/ssh/ssh_host_ed25519_key.pub`), or `ssh-keyscan` output
 *   (`HOST ssh-ed25519 BASE64`);
 * - an OpenSSH private key (`-----BEGIN OPENSSH PRIVATE KEY-----`, the
 *   openssh-key-v1 format sshd keeps its host keys in), unencrypted;
 * - a Nix-format ed25519 secret key, `NAME:base64(seed ‖ public)`.
 *
 * The OpenSSH formats are read with a small parser (no library): only the
 * one key type, only unencrypted keys, every length and check number
 * verified. Format: OpenSSH's PROTOCOL.key and RFC 8709.
 */

export const SSH_ED25519 = 'ssh-ed25519';

/** The largest key file read (an ed25519 private key is about 400 bytes; ssh-keyscan output of one host about 1 KiB). */
export const MAX_KEY_FILE_BYTES = 16 * 1024;

/** An ed25519 public host key as OpenSSH writes it. */
export interface SshPublicKey {
  /** The 32-byte ed25519 public key. */
  readonly bytes: Uint8Array;
  /** The comment after the key (`root@web01`), or empty. */
  readonly comment: string;
}

/** A host's private key, whatever file it came from. */
export interface HostKey {
  /** The 32-byte ed25519 seed. */
  readonly seed: Uint8Array;
  /** The 32-byte ed25519 public key. */
  readonly publicKey: Uint8Array;
}

/** Reads SSH wire encoding (RFC 4251: uint32 lengths, big-endian), refusing to read past the end. */
class SshReader {
  private at = 0;
  constructor(
    private readonly buf: Uint8Array,
    private readonly fail: (detail: string) => never,
  ) {}
  get remaining(): number {
    return this.buf.length - this.at;
  }
  uint32(what: string): number {
    if (this.remaining < 4) this.fail(`${what} is cut short`);
    const v = ((this.buf[this.at]! << 24) | (this.buf[this.at + 1]! << 16) | (this.buf[this.at + 2]! << 8) | this.buf[this.at + 3]!) >>> 0;
    this.at += 4;
    return v;
  }
  bytes(what: string): Uint8Array {
    const n = this.uint32(what);
    if (n > this.remaining) this.fail(`${what} is cut short`);
    const out = this.buf.slice(this.at, this.at + n);
    this.at += n;
    return out;
  }
  string(what: string): string {
    return Buffer.from(this.bytes(what)).toString('latin1');
  }
  rest(): Uint8Array {
    const out = this.buf.slice(this.at);
    this.at = this.buf.length;
    return out;
  }
}

/** SSH wire encoding of a byte string: uint32 length, then the bytes. */
export function sshString(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + bytes.length);
  new DataView(out.buffer).setUint32(0, bytes.length);
  out.set(bytes, 4);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The SSH wire blob of an ed25519 public key: string "ssh-ed25519", string key (what the base64 in a .pub line holds). */
export function sshPublicKeyBlob(bytes: Uint8Array): Uint8Array {
  return concat(sshString(Buffer.from(SSH_ED25519, 'latin1')), sshString(bytes));
}

/** Pure: the 32 key bytes of an ssh-ed25519 public key blob; throws InvalidHostKeyError when the blob is anything else. */
function publicKeyOfBlob(blob: Uint8Array, source: string): Uint8Array {
  const fail = (detail: string): never => {
    throw new InvalidHostKeyError({ reason: 'damaged', source, detail });
  };
  const r = new SshReader(blob, fail);
  const type = r.string('the key type');
  if (type !== SSH_ED25519) throw new InvalidHostKeyError({ reason: 'not-ed25519', source, type: type.slice(0, 64) });
  const key = r.bytes('the public key');
  if (key.length !== 32) fail(`the public key is ${key.length} bytes, not 32`);
  if (r.remaining !== 0) fail('bytes follow the public key');
  return key;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function decodeBase64(text: string, source: string, what: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  const bytes = Buffer.from(clean, 'base64');
  // Buffer ignores what is not base64: insist that the text re-encodes to itself.
  if (!BASE64.test(clean) || bytes.toString('base64').replace(/=+$/, '') !== clean.replace(/=+$/, '')) {
    throw new InvalidHostKeyError({ reason: 'damaged', source, detail: `${what} is not valid base64` });
  }
  return new Uint8Array(bytes);
}

/** Key types OpenSSH writes in .pub lines, for telling "another type" from "not a key". */
const SSH_KEY_TYPE = /^(?:ssh-(?:ed25519|rsa|dss|ed448)|ecdsa-sha2-nistp(?:256|384|521)|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com|[a-z0-9-]+-cert-v01@openssh\.com)$/;

/**
 * Pure: one OpenSSH public key line, `ssh-ed25519 BASE64 [comment]`, as
 * `/etc/ssh/ssh_host_ed25519_key.pub` and hosts.toml hold it. The type word
 * must match the type inside the blob.
 */
export function parseSshPublicKey(line: string, source: string): SshPublicKey {
  const m = /^([^\s]+)[ \t]+([^\s]+)(?:[ \t]+(.*))?$/.exec(line.trim());
  if (!m) throw new InvalidHostKeyError({ reason: 'format', source });
  const [, type, b64, comment] = m as unknown as [string, string, string, string | undefined];
  if (type !== SSH_ED25519) {
    if (SSH_KEY_TYPE.test(type)) throw new InvalidHostKeyError({ reason: 'not-ed25519', source, type });
    throw new InvalidHostKeyError({ reason: 'format', source });
  }
  const bytes = publicKeyOfBlob(decodeBase64(b64, source, 'the key'), source);
  return { bytes, comment: (comment ?? '').trim() };
}

/**
 * Pure: the one ssh-ed25519 key in a `.pub` file or in `ssh-keyscan` output
 * (`HOST ssh-ed25519 BASE64` lines, `#` comments, other key types). Lines of
 * other types are skipped; none, or two different ed25519 keys, is an error.
 */
export function findSshPublicKey(text: string, source: string): SshPublicKey {
  const found = new Map<string, SshPublicKey>();
  let other: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const words = line.split(/[ \t]+/);
    // A .pub line starts with the type; an ssh-keyscan (known_hosts) line with the host name(s).
    const at = words[0] === SSH_ED25519 || SSH_KEY_TYPE.test(words[0] ?? '') ? 0 : 1;
    const type = words[at] ?? '';
    if (type !== SSH_ED25519) {
      if (SSH_KEY_TYPE.test(type)) other ??= type;
      continue;
    }
    const key = parseSshPublicKey(words.slice(at).join(' '), source);
    const id = Buffer.from(key.bytes).toString('hex');
    if (!found.has(id)) found.set(id, at === 0 ? key : { bytes: key.bytes, comment: '' });
  }
  if (found.size > 1) throw new InvalidHostKeyError({ reason: 'several', source, count: found.size });
  const only = [...found.values()][0];
  if (only) return only;
  if (other !== undefined) throw new InvalidHostKeyError({ reason: 'not-ed25519', source, type: other });
  throw new InvalidHostKeyError({ reason: 'format', source });
}

/** Pure: `ssh-ed25519 BASE64[ comment]`, the line hosts.toml keeps. Control characters are dropped from the comment. */
export function formatSshPublicKey(key: SshPublicKey): string {
  const comment = key.comment.replace(/\p{Cc}/gu, ' ').replace(/\s+/g, ' ').trim();
  const b64 = Buffer.from(sshPublicKeyBlob(key.bytes)).toString('base64');
  return comment ? `${SSH_ED25519} ${b64} ${comment}` : `${SSH_ED25519} ${b64}`;
}

/** Pure: the key's fingerprint as `ssh-keygen -l` prints it: `SHA256:` + unpadded base64 of SHA-256 over the blob. */
export function sshFingerprint(bytes: Uint8Array): string {
  return 'SHA256:' + createHash('sha256').update(sshPublicKeyBlob(bytes)).digest('base64').replace(/=+$/, '');
}

export const PEM_BEGIN = '-----BEGIN OPENSSH PRIVATE KEY-----';
export const PEM_END = '-----END OPENSSH PRIVATE KEY-----';
export const AUTH_MAGIC = 'openssh-key-v1\0';

/**
 * Pure: an unencrypted OpenSSH ed25519 private key (openssh-key-v1), as
 * `ssh-keygen -t ed25519 -N ""` and sshd write it. Checks the two check
 * numbers, the padding, and that the public key (twice in the file) is the
 * one the seed gives.
 */
export function parseOpenSshPrivateKey(text: string, source: string): HostKey {
  const fail = (detail: string): never => {
    throw new InvalidHostKeyError({ reason: 'damaged', source, detail });
  };
  const body = text.trim();
  if (!body.startsWith(PEM_BEGIN)) throw new InvalidHostKeyError({ reason: 'private-format', source });
  const end = body.indexOf(PEM_END);
  if (end < 0) fail('the END line is missing');
  if (body.slice(end + PEM_END.length).trim() !== '') fail('text follows the END line');
  const bytes = decodeBase64(body.slice(PEM_BEGIN.length, end), source, 'the key');
  const magic = Buffer.from(AUTH_MAGIC, 'latin1');
  if (bytes.length < magic.length || !equalBytes(bytes.slice(0, magic.length), magic)) fail('it does not start with openssh-key-v1');
  const r = new SshReader(bytes.slice(magic.length), fail);
  const cipher = r.string('the cipher name');
  const kdf = r.string('the KDF name');
  r.bytes('the KDF options');
  if (cipher !== 'none' || kdf !== 'none') throw new InvalidHostKeyError({ reason: 'encrypted', source, cipher: cipher.slice(0, 64) });
  const count = r.uint32('the key count');
  if (count !== 1) fail(`it holds ${count} keys, not 1`);
  const outerPublic = publicKeyOfBlob(r.bytes('the public key'), source);
  const priv = r.bytes('the private section');
  if (r.remaining !== 0) fail('bytes follow the private section');
  if (priv.length % 8 !== 0) fail('the private section is not padded to 8 bytes');
  const p = new SshReader(priv, fail);
  if (p.uint32('the first check number') !== p.uint32('the second check number')) fail('its check numbers differ');
  const type = p.string('the private key type');
  if (type !== SSH_ED25519) throw new InvalidHostKeyError({ reason: 'not-ed25519', source, type: type.slice(0, 64) });
  const publicKey = p.bytes('the public key');
  const secret = p.bytes('the private key');
  p.bytes('the comment');
  const padding = p.rest();
  if (padding.length >= 8 || padding.some((b, i) => b !== i + 1)) fail('its padding is not 1, 2, 3, …');
  if (publicKey.length !== 32 || secret.length !== 64) fail('its key lengths are not those of ed25519');
  const seed = secret.slice(0, 32);
  if (!equalBytes(secret.slice(32), publicKey) || !equalBytes(outerPublic, publicKey)) fail('its public key appears twice with different values');
  if (!equalBytes(publicKeyOfSeed(seed), publicKey)) fail('its public key is not the one its private key gives');
  return { seed, publicKey };
}

/**
 * Pure: a host's private key from the text of `[report] host_key_file`: an
 * OpenSSH private key, or a Nix-format ed25519 secret key (`NAME:BASE64`).
 */
export function parseHostKey(text: string, source: string): HostKey {
  if (text.trimStart().startsWith('-----BEGIN ')) return parseOpenSshPrivateKey(text, source);
  try {
    const k = parseSecretKey(text);
    return { seed: k.seed, publicKey: k.publicKey.bytes };
  } catch (e) {
    if (!(e instanceof OgygiaError)) throw e;
    throw new InvalidHostKeyError({ reason: 'private-format', source });
  }
}

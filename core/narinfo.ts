import { createHash } from 'node:crypto';
import { type PublicKey, type SecretKey, signBytes, verifyBytes } from './keys.js';
import { STORE_HASH, isStorePath, storePathHash } from './store-path.js';
import { decodeNix32, encodeNix32 } from './nix32.js';

/** What a `.narinfo` says about one store path (the fields Nix reads). */
export interface NarInfo {
  readonly storePath: string;
  readonly url: string;
  readonly compression: string;
  readonly fileHash?: string;
  readonly fileSize?: number;
  readonly narHash: string; // sha256:<52 nix32 chars>
  readonly narSize: number;
  readonly references: readonly string[]; // full store paths
  readonly deriver?: string; // full store path
  readonly sigs: readonly string[]; // NAME:BASE64
  readonly ca?: string;
}

export const NAR_HASH = /^sha256:[0-9a-df-np-sv-z]{52}$/;
const STORE_DIR = '/nix/store/';
const BASENAME = /^[0-9a-df-np-sv-z]{32}-[A-Za-z0-9+._?=-]+$/;

/** Pure: `sha256-BASE64` (SRI, as `nix path-info --json` prints it) or `sha256:nix32|hex` -> `sha256:<nix32>`; undefined if neither. */
export function normalizeNarHash(h: string): string | undefined {
  let bytes: Uint8Array | undefined;
  if (h.startsWith('sha256-')) {
    const b = Buffer.from(h.slice(7), 'base64');
    bytes = b.length === 32 ? new Uint8Array(b) : undefined;
  } else if (h.startsWith('sha256:')) {
    const rest = h.slice(7);
    if (/^[0-9a-f]{64}$/.test(rest)) bytes = new Uint8Array(Buffer.from(rest, 'hex'));
    else bytes = decodeNix32(rest, 32);
  }
  return bytes ? 'sha256:' + encodeNix32(bytes) : undefined;
}

/** Pure: the raw 32 bytes of a normalized `sha256:<nix32>` hash. */
export function narHashBytes(narHash: string): Uint8Array | undefined {
  return narHash.startsWith('sha256:') ? decodeNix32(narHash.slice(7), 32) : undefined;
}

/** Pure: the `sha256:<nix32>` of some bytes (for checking a NAR). */
export function sha256Nix32(data: Uint8Array): string {
  return 'sha256:' + encodeNix32(createHash('sha256').update(data).digest());
}

export type ParseResult = { readonly ok: true; readonly value: NarInfo } | { readonly ok: false; readonly error: string };

/** Pure: parse narinfo text; rejects anything Nix would not accept or that is not a plain store path. */
export function parseNarInfo(text: string): ParseResult {
  const fields = new Map<string, string>();
  const sigs: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const i = line.indexOf(': ');
    if (i <= 0) return { ok: false, error: `line ${JSON.stringify(line.slice(0, 80))} is not "Key: value"` };
    const k = line.slice(0, i);
    const v = line.slice(i + 2);
    if (k === 'Sig') sigs.push(v);
    else fields.set(k, v);
  }
  const storePath = fields.get('StorePath') ?? '';
  if (!isStorePath(storePath)) return { ok: false, error: 'StorePath is missing or not a store path' };
  const url = fields.get('URL');
  if (!url) return { ok: false, error: 'URL is missing' };
  const narHash = normalizeNarHash(fields.get('NarHash') ?? '');
  if (!narHash) return { ok: false, error: 'NarHash is missing or not a sha256 hash' };
  const narSizeText = fields.get('NarSize') ?? '';
  if (!/^\d{1,15}$/.test(narSizeText)) return { ok: false, error: 'NarSize is missing or not a number' };
  const refsText = (fields.get('References') ?? '').trim();
  const refs = refsText === '' ? [] : refsText.split(/ +/);
  if (!refs.every((r) => BASENAME.test(r))) return { ok: false, error: 'References holds something that is not a store path name' };
  const deriverText = fields.get('Deriver');
  if (deriverText !== undefined && deriverText !== 'unknown-deriver' && !BASENAME.test(deriverText)) {
    return { ok: false, error: 'Deriver is not a store path name' };
  }
  const fileSizeText = fields.get('FileSize');
  const value: NarInfo = {
    storePath,
    url,
    compression: fields.get('Compression') ?? 'bzip2',
    narHash,
    narSize: Number(narSizeText),
    references: refs.map((r) => STORE_DIR + r),
    sigs,
    ...(fields.has('FileHash') ? { fileHash: fields.get('FileHash')! } : {}),
    ...(fileSizeText && /^\d+$/.test(fileSizeText) ? { fileSize: Number(fileSizeText) } : {}),
    ...(deriverText && deriverText !== 'unknown-deriver' ? { deriver: STORE_DIR + deriverText } : {}),
    ...(fields.has('CA') ? { ca: fields.get('CA')! } : {}),
  };
  return { ok: true, value };
}

const base = (p: string): string => p.slice(STORE_DIR.length);

/** Pure: narinfo text in the field order Nix writes. */
export function formatNarInfo(n: NarInfo): string {
  const lines = [
    `StorePath: ${n.storePath}`,
    `URL: ${n.url}`,
    `Compression: ${n.compression}`,
    ...(n.fileHash ? [`FileHash: ${n.fileHash}`] : []),
    ...(n.fileSize !== undefined ? [`FileSize: ${n.fileSize}`] : []),
    `NarHash: ${n.narHash}`,
    `NarSize: ${n.narSize}`,
    `References: ${n.references.map(base).join(' ')}`,
    ...(n.deriver ? [`Deriver: ${base(n.deriver)}`] : []),
    ...n.sigs.map((s) => `Sig: ${s}`),
    ...(n.ca ? [`CA: ${n.ca}`] : []),
  ];
  return lines.join('\n') + '\n';
}

/** Pure: the bytes Nix signs for a path: `1;<path>;<narHash>;<narSize>;<refs, sorted, comma-separated>`. */
export function fingerprint(n: Pick<NarInfo, 'storePath' | 'narHash' | 'narSize' | 'references'>): string {
  return `1;${n.storePath};${n.narHash};${n.narSize};${[...n.references].sort().join(',')}`;
}

/** Pure: a `NAME:BASE64` Nix path signature over the fingerprint. */
export function signNarInfo(n: NarInfo, key: SecretKey): string {
  const sig = signBytes(key, Buffer.from(fingerprint(n), 'utf8'));
  return `${key.name}:${Buffer.from(sig).toString('base64')}`;
}

/** Pure: the keys (by name) whose signature on this narinfo verifies; empty when none of `keys` signed it. */
export function verifiedSigners(n: NarInfo, keys: readonly PublicKey[]): string[] {
  const fp = Buffer.from(fingerprint(n), 'utf8');
  const out: string[] = [];
  for (const s of n.sigs) {
    const i = s.indexOf(':');
    if (i <= 0) continue;
    const name = s.slice(0, i);
    const sig = new Uint8Array(Buffer.from(s.slice(i + 1), 'base64'));
    for (const k of keys) {
      if (k.name === name && verifyBytes(k, fp, sig) && !out.includes(name)) out.push(name);
    }
  }
  return out;
}

/** Pure: the narinfo is for the path whose hash was asked for. */
export function matchesHash(n: NarInfo, hash: string): boolean {
  return STORE_HASH.test(hash) && storePathHash(n.storePath) === hash;
}

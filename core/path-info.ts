import { normalizeNarHash } from './narinfo.js';
import { isStorePath } from './store-path.js';

/** One valid path of a store, as `nix path-info --json` reports it (hash normalized to sha256:<nix32>). */
export interface PathInfo {
  readonly path: string;
  readonly narHash: string;
  readonly narSize: number;
  readonly references: readonly string[];
  readonly deriver?: string;
  readonly sigs: readonly string[];
  /** As a narinfo's `CA:` line says it (`fixed:r:sha256:…`, `text:sha256:…`). */
  readonly ca?: string;
}

type Raw = Record<string, unknown>;

/**
 * Pure: every shape `nix path-info --json` has printed, to PathInfos; an
 * invalid or malformed entry is dropped, never guessed at.
 *
 * - Nix ≤ 2.18: an array of objects, each with its `path`.
 * - Nix 2.19 and later: an object keyed by path, `null` for an invalid one;
 *   `narHash` in SRI form (`sha256-BASE64`).
 * - Format version 2 (`"version": 2`, newer Nix): store paths may be written
 *   without the store directory (`<hash>-<name>`, with `storeDir` beside
 *   them), hashes as `{ algorithm, format, hash }` and `ca` as
 *   `{ method, hash }`.
 */
export function parsePathInfoJson(text: string): PathInfo[] {
  const j = JSON.parse(text) as unknown;
  const out: PathInfo[] = [];
  const add = (path: unknown, r: unknown): void => {
    if (r === null || typeof r !== 'object') return;
    const info = toPathInfo(path, r as Raw);
    if (info) out.push(info);
  };
  if (Array.isArray(j)) for (const r of j) add((r as Raw | null)?.path, r);
  else if (j !== null && typeof j === 'object') for (const [path, r] of Object.entries(j)) add(path, r);
  return out;
}

function toPathInfo(rawPath: unknown, r: Raw): PathInfo | undefined {
  if (r.valid === false) return undefined;
  const storeDir = typeof r.storeDir === 'string' ? r.storeDir : '/nix/store';
  const path = storePathOf(rawPath, storeDir);
  const narHash = hashOf(r.narHash);
  if (!path || !narHash || typeof r.narSize !== 'number') return undefined;
  const references: string[] = [];
  if (Array.isArray(r.references)) {
    for (const x of r.references) {
      const p = storePathOf(x, storeDir);
      if (p) references.push(p);
    }
  }
  const deriver = storePathOf(r.deriver, storeDir);
  const ca = caOf(r.ca);
  return {
    path,
    narHash,
    narSize: r.narSize,
    references,
    sigs: Array.isArray(r.signatures) ? r.signatures.filter((x): x is string => typeof x === 'string') : [],
    ...(deriver ? { deriver } : {}),
    ...(ca ? { ca } : {}),
  };
}

/** A full store path, or one written without its store directory (format version 2). */
function storePathOf(v: unknown, storeDir: string): string | undefined {
  if (typeof v !== 'string') return undefined;
  const p = v.includes('/') ? v : `${storeDir}/${v}`;
  return isStorePath(p) ? p : undefined;
}

/** A SHA-256 as a string (`sha256-BASE64`, `sha256:nix32|hex`) or as `{ algorithm, format, hash }`; `sha256:<nix32>`. */
function hashOf(v: unknown): string | undefined {
  if (typeof v === 'string') return normalizeNarHash(v);
  if (v === null || typeof v !== 'object') return undefined;
  const { algorithm, format, hash } = v as Raw;
  if (algorithm !== 'sha256' || typeof hash !== 'string') return undefined;
  switch (format) {
    case 'base64':
      return normalizeNarHash(`sha256-${hash}`);
    case 'nix32':
    case 'base32':
    case 'base16':
      return normalizeNarHash(`sha256:${hash}`);
    case 'sri':
      return normalizeNarHash(hash);
    default:
      return undefined;
  }
}

const CA_PREFIX: Record<string, string> = { nar: 'fixed:r:', flat: 'fixed:', text: 'text:' };

/** A content address as a narinfo writes it; from the string form, or from `{ method, hash }` for a SHA-256. */
function caOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (v === null || typeof v !== 'object') return undefined;
  const { method, hash } = v as Raw;
  const prefix = typeof method === 'string' ? CA_PREFIX[method] : undefined;
  const h = hashOf(hash);
  return prefix && h ? prefix + h : undefined;
}

import { execa } from 'execa';
import { join } from 'node:path';
import { NixCommandError } from '../../core/errors/index.js';
import { isStorePath } from '../../core/store-path.js';
import { normalizeNarHash } from '../../core/narinfo.js';

/** One valid path of the local store, as `nix path-info --json` reports it (hash normalized to sha256:<nix32>). */
export interface PathInfo {
  readonly path: string;
  readonly narHash: string;
  readonly narSize: number;
  readonly references: readonly string[];
  readonly deriver?: string;
  readonly sigs: readonly string[];
  readonly ca?: string;
}

/** The store irisd serves: the system store (`root = "/"`) or a `local?root=DIR` store. */
export interface LocalStore {
  readonly root: string;
  /** `--store` argv for nix commands (empty for the system store). */
  readonly storeArgs: readonly string[];
  /** Where a store path's files really are. */
  realPath(storePath: string): string;
}

export function localStore(root: string): LocalStore {
  const system = root === '/' || root === '';
  return {
    root,
    storeArgs: system ? [] : ['--store', `local?root=${root}`],
    realPath: (p) => (system ? p : join(root, p)),
  };
}

interface RawInfo {
  path?: unknown;
  narHash?: unknown;
  narSize?: unknown;
  references?: unknown;
  deriver?: unknown;
  signatures?: unknown;
  ca?: unknown;
  valid?: unknown;
}

/** Pure: turn `nix path-info --json` output into PathInfos, dropping entries that are invalid or malformed. */
export function parsePathInfoJson(stdout: string): PathInfo[] {
  const raw = JSON.parse(stdout) as RawInfo[];
  const out: PathInfo[] = [];
  for (const r of raw) {
    if (r.valid === false || typeof r.path !== 'string' || !isStorePath(r.path)) continue;
    const narHash = typeof r.narHash === 'string' ? normalizeNarHash(r.narHash) : undefined;
    if (!narHash || typeof r.narSize !== 'number') continue;
    const refs = Array.isArray(r.references) ? r.references.filter((x): x is string => typeof x === 'string' && isStorePath(x)) : [];
    out.push({
      path: r.path,
      narHash,
      narSize: r.narSize,
      references: refs,
      sigs: Array.isArray(r.signatures) ? r.signatures.filter((x): x is string => typeof x === 'string') : [],
      ...(typeof r.deriver === 'string' && isStorePath(r.deriver) ? { deriver: r.deriver } : {}),
      ...(typeof r.ca === 'string' && r.ca !== '' ? { ca: r.ca } : {}),
    });
  }
  return out;
}

const NIX_ENV_CONFIG = 'experimental-features = nix-command';

function nixEnv(): NodeJS.ProcessEnv {
  const cfg = process.env.NIX_CONFIG;
  return { ...process.env, NIX_CONFIG: cfg ? `${cfg}\n${NIX_ENV_CONFIG}` : NIX_ENV_CONFIG };
}

async function runNix(args: readonly string[]): Promise<string> {
  const r = await execa('nix', args, { env: nixEnv(), reject: false, maxBuffer: 1024 * 1024 * 1024, stripFinalNewline: false });
  if (r.exitCode !== 0) {
    throw new NixCommandError({ args: [...args], exitCode: r.exitCode ?? null, stderr: String(r.stderr).slice(-2000) });
  }
  return String(r.stdout);
}

/** Every valid path of the store (`nix path-info --all --json`). */
export async function queryAllPaths(store: LocalStore): Promise<PathInfo[]> {
  return parsePathInfoJson(await runNix(['path-info', ...store.storeArgs, '--all', '--json']));
}

/** Sign paths in the store with a Nix secret key file (`nix store sign`); paths go only as argv entries. */
export async function signPaths(store: LocalStore, keyFile: string, paths: readonly string[]): Promise<void> {
  if (paths.length === 0) return;
  await runNix(['store', 'sign', ...store.storeArgs, '--key-file', keyFile, '--', ...paths]);
}

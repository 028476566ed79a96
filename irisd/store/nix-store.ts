import { execa } from 'execa';
import { join } from 'node:path';
import { NixCommandError } from '../../core/errors/index.js';
import { parsePathInfoJson, type PathInfo } from '../../core/path-info.js';

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

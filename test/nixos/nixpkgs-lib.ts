import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { nixEnv } from '../../testkit/nix.js';

// Where `npm run test:nixos` finds nixpkgs' `lib/` (all it needs of nixpkgs),
// in this order: NIXPKGS_LIB; `<nixpkgs/lib>` on the Nix search path
// (NIX_PATH); the copy vendored beside the checkout in ../shared (what CI
// uses, through NIXPKGS_LIB). `npm test` never needs one.

/** The vendored copy, relative to the repository root. */
export const VENDORED_NIXPKGS_LIB = '../shared/vendor/nixpkgs-lib/lib';

export const NO_NIXPKGS_LIB =
  'test:nixos needs nixpkgs\' lib/ to evaluate the NixOS modules, and found none. Provide it in one of three ways:\n' +
  '  1. NIXPKGS_LIB=/path/to/nixpkgs/lib npm run test:nixos\n' +
  '  2. nixpkgs on the Nix search path, e.g. NIX_PATH=nixpkgs=/path/to/nixpkgs (then <nixpkgs/lib> is used)\n' +
  `  3. the vendored copy at ${VENDORED_NIXPKGS_LIB}, beside the checkout (as .ci/run has it)`;

export interface NixpkgsLib {
  /** Absolute path of the lib directory (it holds default.nix). */
  readonly path: string;
  readonly from: 'NIXPKGS_LIB' | 'NIX_PATH' | 'vendored';
}

const isLib = (dir: string): boolean => existsSync(join(dir, 'default.nix'));

export async function findNixpkgsLib(opts: { env: NodeJS.ProcessEnv; repo: string }): Promise<NixpkgsLib> {
  const named = opts.env.NIXPKGS_LIB;
  if (named !== undefined && named !== '') {
    const path = resolve(opts.repo, named);
    // Named but wrong is an error, never a reason to look elsewhere.
    if (!isLib(path)) throw new Error(`NIXPKGS_LIB=${named} is not nixpkgs' lib/ directory: ${join(path, 'default.nix')} does not exist.`);
    return { path, from: 'NIXPKGS_LIB' };
  }
  const found = await execa('nix-instantiate', ['--find-file', 'nixpkgs/lib'], { env: { ...nixEnv(), NIX_PATH: opts.env.NIX_PATH }, reject: false });
  if (found.exitCode === 0) {
    const path = String(found.stdout).trim();
    if (isLib(path)) return { path, from: 'NIX_PATH' };
  }
  const vendored = resolve(opts.repo, VENDORED_NIXPKGS_LIB);
  if (isLib(vendored)) return { path: vendored, from: 'vendored' };
  throw new Error(NO_NIXPKGS_LIB);
}

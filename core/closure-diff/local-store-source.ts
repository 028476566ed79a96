import { readlink } from 'node:fs/promises';
import { execa } from 'execa';
import { BOOT_LINKS, type BootLink, type BootLinks, type ClosurePath } from './diff.js';
import type { ClosureSource } from './source.js';
import { parsePathInfoJson } from '../path-info.js';

export interface LocalStoreOptions {
  /** The `nix` program (default `nix` on PATH). */
  readonly nix?: string;
  /** Its environment (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
}

const NIX_COMMAND = ['--extra-experimental-features', 'nix-command'];

/**
 * Closures read from the local Nix store, for the paths it holds (a CI job
 * that just built them, a host): `nix path-info --json -r` and the boot links
 * read from the file system. The store is trusted as Nix trusts it: a path is
 * only valid there once built or fetched with a good signature.
 */
export function localStoreSource(opts: LocalStoreOptions = {}): ClosureSource & { has(root: string): Promise<boolean> } {
  const nix = opts.nix ?? 'nix';
  const env = opts.env ?? process.env;
  const valid = new Map<string, Promise<boolean>>();
  return {
    has(root) {
      let v = valid.get(root);
      if (!v) {
        v = execa(nix, [...NIX_COMMAND, 'path-info', root], { env, reject: false, stdin: 'ignore' }).then(
          (r) => r.exitCode === 0,
          () => false, // no nix here: nothing is local
        );
        valid.set(root, v);
      }
      return v;
    },
    async closure(root) {
      const r = await execa(nix, [...NIX_COMMAND, 'path-info', '--json', '-r', root], { env, stdin: 'ignore', maxBuffer: 256 * 1024 * 1024 });
      return parsePathInfoJson(String(r.stdout)).map(({ path, narSize }) => ({ path, narSize }));
    },
    async bootLinks(root): Promise<BootLinks> {
      const links: Partial<Record<BootLink, string>> = {};
      for (const name of BOOT_LINKS) {
        try {
          links[name] = await readlink(`${root}/${name}`);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code !== 'ENOENT' && code !== 'EINVAL' && code !== 'ENOTDIR') throw e; // no such link, not a link, or the path is a file
        }
      }
      return { known: true, links };
    },
  };
}

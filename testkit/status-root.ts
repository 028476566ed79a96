import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { makeTempDir } from './tmp.js';

export interface Revs {
  current?: string;
  booted?: string;
  nextboot?: string;
}

/**
 * A temporary OGYGIA_ROOT shaped like a NixOS host: run/current-system,
 * run/booted-system and nix/var/nix/profiles/system are symlinks to system
 * directories holding sw/share/ogygia/build-revision (left out when undefined).
 */
export async function makeStatusRoot(revs: Revs): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const dir = await makeTempDir('ogygia-status-root-');
  const links: Array<[string, keyof Revs]> = [
    ['run/current-system', 'current'],
    ['run/booted-system', 'booted'],
    ['nix/var/nix/profiles/system', 'nextboot'],
  ];
  for (const [link, key] of links) {
    const system = join(dir.path, 'nix/store', `system-${key}`);
    await mkdir(join(system, 'sw/share/ogygia'), { recursive: true });
    const rev = revs[key];
    if (rev !== undefined) await writeFile(join(system, 'sw/share/ogygia/build-revision'), rev + '\n');
    await mkdir(dirname(join(dir.path, link)), { recursive: true });
    await symlink(system, join(dir.path, link));
  }
  return dir;
}

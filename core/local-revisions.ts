import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BOOTED_SYSTEM, CURRENT_SYSTEM, SYSTEM_PROFILE, underRoot } from './paths.js';
import type { HostRevisions } from './fleet/types.js';

export const BUILD_REVISION_FILE = 'sw/share/ogygia/build-revision';
export const UNKNOWN = 'unknown';

/** Pure: the displayed form of a build revision: first 12 characters, `unknown` when absent or empty. */
export function shortRevision(raw: string | undefined): string {
  const t = raw?.trim();
  return t ? t.slice(0, 12) : UNKNOWN;
}

/** The build revision inside a system closure (or a symlink to one), or undefined. */
export async function readBuildRevision(systemPath: string): Promise<string | undefined> {
  try {
    return (await readFile(join(systemPath, BUILD_REVISION_FILE), 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * This host's revisions: ⚡ current (/run/current-system), 🥾 booted
 * (/run/booted-system), 🔜 next boot (the system profile), each resolved
 * under `root` (OGYGIA_ROOT) and cut to 12 characters.
 */
export async function readLocalRevisions(root: string): Promise<HostRevisions> {
  const [current, booted, nextboot] = await Promise.all(
    [CURRENT_SYSTEM, BOOTED_SYSTEM, SYSTEM_PROFILE].map(async (p) => shortRevision(await readBuildRevision(underRoot(root, p)))),
  );
  return { current: current!, booted: booted!, nextboot: nextboot! };
}

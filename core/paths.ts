import { join } from 'node:path';

/**
 * Every system path (/run/current-system, /run/booted-system, the system
 * profile) resolves under OGYGIA_ROOT (default `/`), so tests and the demo
 * run against a temporary root with real Nix.
 */
export function systemRoot(env: NodeJS.ProcessEnv = process.env): string {
  const r = env.OGYGIA_ROOT;
  return r && r.length > 0 ? r : '/';
}

export function underRoot(root: string, absolute: string): string {
  return root === '/' ? absolute : join(root, absolute);
}

export const CURRENT_SYSTEM = '/run/current-system';
export const BOOTED_SYSTEM = '/run/booted-system';
export const SYSTEM_PROFILE = '/nix/var/nix/profiles/system';
export const DEFAULT_STATUS_CONFIG = '/run/current-system/sw/share/ogygia/config.toml';

import type { FleetSource } from './fleet-source.js';

/** The lines `ogygia status` prints above its table, worded as in the Ogygia README. */

export const CONFIG_NOT_FOUND = 'Ogygia config not found; showing local data only.';

export function noStoreConfigured(configFile: string): string {
  return `No fleet store configured in ${configFile}; showing local data only.`;
}

const SOURCE_NAMES = { etcd: 'etcd', zookeeper: 'ZooKeeper', reconciler: 'reconciler' } as const;

/** `etcd fleet state (/nixos/versions via /run/current-system/sw/share/ogygia/config.toml):` */
export function fleetHeading(source: Exclude<FleetSource, { kind: 'none' }>, configFile: string): string {
  const where = source.kind === 'reconciler' ? source.url : source.store.namespace;
  return `${SOURCE_NAMES[source.kind]} fleet state (${where} via ${configFile}):`;
}

/** `Failed to read etcd from <file>: <reason> Showing local data only.` */
export function fleetReadFailed(source: Exclude<FleetSource, { kind: 'none' }>, configFile: string, reason: string): string {
  return `Failed to read ${SOURCE_NAMES[source.kind]} from ${configFile}: ${reason} Showing local data only.`;
}

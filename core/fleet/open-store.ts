import { openEtcdStore } from './etcd-store.js';
import type { FleetStore, FleetStoreConfig } from './types.js';
import { openZooKeeperStore } from './zookeeper-store.js';

/** Open the fleet store of the given kind (the one wiring point for both clients). */
export function openFleetStore(kind: 'etcd' | 'zookeeper', config: FleetStoreConfig): FleetStore {
  return kind === 'etcd' ? openEtcdStore(config) : openZooKeeperStore(config);
}

import type { FleetStore, FleetStoreConfig } from './types.js';

/**
 * Open the fleet store of the given kind (the one wiring point for both
 * clients). The client libraries are loaded on demand: gRPC and protobuf
 * cost ~200 ms of start-up that `ogygia` should pay only when it talks to etcd.
 */
export async function openFleetStore(kind: 'etcd' | 'zookeeper', config: FleetStoreConfig): Promise<FleetStore> {
  if (kind === 'etcd') return (await import('./etcd-store.js')).openEtcdStore(config);
  return (await import('./zookeeper-store.js')).openZooKeeperStore(config);
}

import type { FleetStore, FleetStoreConfig } from './types.js';
import { readEtcdSecrets, readZooKeeperSecrets } from './credentials.js';

/**
 * Open the fleet store of the given kind (the one wiring point for both
 * clients). The credential files the config names are read first (a missing
 * or unreadable one is a ConfigError naming its key). The client libraries are
 * loaded on demand: gRPC and protobuf cost ~200 ms of start-up that `ogygia`
 * should pay only when it talks to etcd.
 */
export async function openFleetStore(kind: 'etcd' | 'zookeeper', config: FleetStoreConfig): Promise<FleetStore> {
  if (kind === 'etcd') {
    const secrets = await readEtcdSecrets(config);
    return (await import('./etcd-store.js')).openEtcdStore(config, secrets);
  }
  const secrets = await readZooKeeperSecrets(config);
  return (await import('./zookeeper-store.js')).openZooKeeperStore(config, secrets);
}

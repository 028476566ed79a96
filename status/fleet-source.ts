import { etcdStoreConfig, zookeeperStoreConfig } from '../core/fleet/store-config.js';
import type { FleetStoreConfig } from '../core/fleet/types.js';
import type { StatusConfig } from './config.js';

/** Where `ogygia status` reads the fleet from, in the order of DESIGN.md §6. */
export type FleetSource =
  | { readonly kind: 'etcd'; readonly store: FleetStoreConfig }
  | { readonly kind: 'zookeeper'; readonly store: FleetStoreConfig }
  | { readonly kind: 'reconciler'; readonly url: string; readonly timeoutSeconds: number }
  | { readonly kind: 'none' };

/** Pure: etcd when configured, else an enabled ZooKeeper, else the reconciler, else none. */
export function chooseFleetSource(config: StatusConfig): FleetSource {
  const { etcd, zookeeper, reconciler } = config.ogygia;
  if (etcd) return { kind: 'etcd', store: etcdStoreConfig(etcd, 'ogygia.etcd') };
  if (zookeeper && zookeeper.enable) {
    return { kind: 'zookeeper', store: zookeeperStoreConfig(zookeeper, 'ogygia.zookeeper') };
  }
  if (reconciler) return { kind: 'reconciler', url: reconciler.url, timeoutSeconds: reconciler.timeout_seconds };
  return { kind: 'none' };
}

/** Pure: the store `ogygia report` publishes to (etcd preferred, then ZooKeeper); the reconciler is not one. */
export function chooseReportStore(config: StatusConfig): Extract<FleetSource, { kind: 'etcd' | 'zookeeper' }> | undefined {
  const s = chooseFleetSource(config);
  return s.kind === 'etcd' || s.kind === 'zookeeper' ? s : undefined;
}

import { FleetStoreUnavailableError } from '../errors/index.js';
import type { FleetStoreConfig } from './types.js';

const NAMES = { etcd: 'etcd', zookeeper: 'ZooKeeper' } as const;

/** The README's connection-failure sentence for a store that cannot be reached or read in time. */
export function storeUnavailable(kind: 'etcd' | 'zookeeper', config: FleetStoreConfig, cause?: unknown): FleetStoreUnavailableError {
  const name = NAMES[kind];
  return new FleetStoreUnavailableError(
    `failed to connect to ${name} at ${JSON.stringify(config.endpoints)}. Check that the endpoints are reachable and the ${name} service is running. Connection timeout: ${config.timeoutSeconds}s.`,
    { kind, endpoints: [...config.endpoints], timeoutSeconds: config.timeoutSeconds, cause: cause instanceof Error ? cause.message : cause },
  );
}

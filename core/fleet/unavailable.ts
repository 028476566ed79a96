import { FleetStoreUnavailableError } from '../errors/index.js';
import type { FleetStoreConfig } from './types.js';

/** The README's connection-failure sentence for a store that cannot be reached or read in time. */
export function storeUnavailable(kind: 'etcd' | 'zookeeper', config: FleetStoreConfig, cause?: unknown): FleetStoreUnavailableError {
  return new FleetStoreUnavailableError({
    reason: 'unreachable',
    kind,
    endpoints: [...config.endpoints],
    timeoutSeconds: config.timeoutSeconds,
    ...(cause !== undefined ? { cause: cause instanceof Error ? cause.message : String(cause) } : {}),
  });
}

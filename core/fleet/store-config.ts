import type { EtcdSection, ZooKeeperSection } from '../config-schema.js';
import type { FleetStoreConfig } from './types.js';

/** Pure: an `[etcd]` table (agent.toml, reconciler.toml, `[ogygia.etcd]`) as the store config; `section` names it in errors. */
export function etcdStoreConfig(s: EtcdSection, section: string): FleetStoreConfig {
  const credentials = {
    ...(s.username !== undefined ? { username: s.username } : {}),
    ...(s.password_file !== undefined ? { passwordFile: s.password_file } : {}),
    ...(s.ca_file !== undefined ? { caFile: s.ca_file } : {}),
    ...(s.cert_file !== undefined ? { certFile: s.cert_file } : {}),
    ...(s.key_file !== undefined ? { keyFile: s.key_file } : {}),
  };
  return { endpoints: s.endpoints, namespace: s.namespace, timeoutSeconds: s.timeout_seconds, section, ...(Object.keys(credentials).length > 0 ? { credentials } : {}) };
}

/** Pure: a `[zookeeper]` table as the store config. */
export function zookeeperStoreConfig(s: ZooKeeperSection, section: string): FleetStoreConfig {
  return {
    endpoints: s.endpoints,
    namespace: s.namespace,
    timeoutSeconds: s.timeout_seconds,
    section,
    ...(s.auth_file !== undefined ? { credentials: { authFile: s.auth_file } } : {}),
  };
}

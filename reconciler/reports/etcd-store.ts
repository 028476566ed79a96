import { Etcd3 } from 'etcd3';
import type { EtcdSecrets } from '../../core/fleet/credentials.js';
import { etcdAccessError, etcdClientAuth } from '../../core/fleet/etcd-access.js';
import type { FleetStoreConfig } from '../../core/fleet/types.js';
import { parseStoredReport, type ReportStore, type StoredReport } from './store.js';

/**
 * Reports in etcd under `<namespace>/reconciler/reports/<host>` (JSON), so
 * several reconciler replicas share one fleet view.
 */
export function reportsPrefix(namespace: string): string {
  return `${namespace.replace(/\/+$/, '')}/reconciler/reports/`;
}

/**
 * Open the report store. With `secrets` (`[etcd] username`/`password_file`,
 * TLS files; core/fleet/credentials.ts) the client logs in as the fleet store
 * does; refused credentials are a FleetStoreAuthError and a role without
 * readwrite on `<namespace>/reconciler/` a FleetStorePermissionError.
 */
export function openEtcdStore(config: FleetStoreConfig, secrets: EtcdSecrets = {}): ReportStore {
  const client = new Etcd3({ hosts: [...config.endpoints], ...etcdClientAuth(secrets), dialTimeout: config.timeoutSeconds * 1000 });
  const prefix = reportsPrefix(config.namespace);
  const access = <T>(work: Promise<T>, op: 'read' | 'write'): Promise<T> =>
    work.catch((e: unknown) => {
      throw etcdAccessError(e, config, secrets, { op, prefix }) ?? e;
    });
  return {
    kind: 'etcd',
    async put(host, stored) {
      await access(client.put(prefix + host).value(JSON.stringify(stored)).exec(), 'write');
    },
    async list() {
      const all = await access(client.getAll().prefix(prefix).strings(), 'read');
      const out: StoredReport[] = [];
      for (const v of Object.values(all)) {
        let raw: unknown;
        try {
          raw = JSON.parse(v);
        } catch {
          continue; // a foreign or damaged value: not a report
        }
        const stored = parseStoredReport(raw);
        if (stored) out.push(stored); // else a foreign value, or one off the report schema
      }
      return out;
    },
    async close() {
      client.close();
    },
  };
}

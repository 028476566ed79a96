import { Etcd3 } from 'etcd3';
import { parseStoredReport, type ReportStore, type StoredReport } from './store.js';

/**
 * Reports in etcd under `<namespace>/reconciler/reports/<host>` (JSON), so
 * several reconciler replicas share one fleet view.
 */
export function reportsPrefix(namespace: string): string {
  return `${namespace.replace(/\/+$/, '')}/reconciler/reports/`;
}

export function openEtcdStore(opts: { endpoints: readonly string[]; namespace: string; timeoutSeconds: number }): ReportStore {
  const client = new Etcd3({ hosts: [...opts.endpoints], dialTimeout: opts.timeoutSeconds * 1000 });
  const prefix = reportsPrefix(opts.namespace);
  return {
    kind: 'etcd',
    async put(host, stored) {
      await client.put(prefix + host).value(JSON.stringify(stored));
    },
    async list() {
      const all = await client.getAll().prefix(prefix).strings();
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

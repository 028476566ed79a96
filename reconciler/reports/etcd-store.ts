import { Etcd3 } from 'etcd3';
import type { EtcdSecrets } from '../../core/fleet/credentials.js';
import { etcdAccessError, etcdClientAuth } from '../../core/fleet/etcd-access.js';
import type { FleetStoreConfig } from '../../core/fleet/types.js';
import { InternalError } from '../../core/errors/index.js';
import { admitReport } from './admit.js';
import { latestPerHost, parseStoredReport, reportKey, type ReportStore, type StoredReport } from './store.js';

/** How often a report is tried again when another replica wrote the same host in between (a compare-and-swap that lost). */
const MAX_KEEP_ATTEMPTS = 8;

function parseValue(v: Buffer | string): StoredReport | undefined {
  try {
    return parseStoredReport(JSON.parse(v.toString()));
  } catch {
    return undefined; // a foreign or damaged value: not a report
  }
}

/**
 * Reports in etcd under `<namespace>/reconciler/reports/<host>` (JSON, the
 * host's canonical name), so several reconciler replicas share one fleet
 * view. A report is kept with a transaction that succeeds only if the host's
 * key is unchanged since it was read, so a replayed `seq` cannot slip in
 * between two replicas. The host cap is counted before that transaction:
 * replicas adding new hosts at the same instant may pass it by one each.
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
    async keep(host, stored, rules) {
      const key = prefix + reportKey(host);
      for (let attempt = 0; attempt < MAX_KEEP_ATTEMPTS; attempt++) {
        const got = await access(client.get(key).exec(), 'read');
        const kv = got.kvs[0];
        const previous = kv ? parseValue(kv.value) : undefined;
        const known = kv ? 0 : await access(client.getAll().prefix(prefix).count(), 'read');
        const admission = admitReport(stored, previous, known, rules);
        if (!admission.kept) return admission;
        const unchanged = kv ? client.if(key, 'Mod', '==', kv.mod_revision) : client.if(key, 'Create', '==', 0);
        const txn = await access(unchanged.then(client.put(key).value(JSON.stringify(stored))).commit(), 'write');
        if (txn.succeeded) return admission;
      }
      throw new InternalError({ where: `keeping the report for ${host} in etcd`, cause: `the key changed under every one of ${MAX_KEEP_ATTEMPTS} attempts` });
    },
    async list() {
      const all = await access(client.getAll().prefix(prefix).strings(), 'read');
      const out: StoredReport[] = [];
      for (const v of Object.values(all)) {
        const stored = parseValue(v);
        if (stored) out.push(stored); // else a foreign value, or one off the report schema
      }
      return [...latestPerHost(out).values()];
    },
    async close() {
      client.close();
    },
  };
}

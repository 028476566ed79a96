import { Etcd3, type IKeyValue, type Watcher } from 'etcd3';
import type { EtcdSecrets } from '../../core/fleet/credentials.js';
import { etcdAccessError, etcdClientAuth } from '../../core/fleet/etcd-access.js';
import type { FleetStoreConfig } from '../../core/fleet/types.js';
import { InternalError } from '../../core/errors/index.js';
import { admitReport } from './admit.js';
import { changesHistory, parseHistory, recordHistory } from './history.js';
import { latestPerHost, parseStoredReport, reportKey, type Admission, type ReportStore, type StoredReport } from './store.js';
import { setTimeout as sleep } from 'node:timers/promises';

/** How often a report is tried again when another replica wrote the same host in between (a compare-and-swap that lost). */
const MAX_KEEP_ATTEMPTS = 16;

/** A value's JSON, or undefined when it is not JSON (damaged or foreign: read as nothing). */
function safeJson(v: Buffer | string): unknown {
  try {
    return JSON.parse(v.toString());
  } catch {
    return undefined;
  }
}

/** A value as a stored report; undefined for a foreign or damaged one. */
function parseValue(v: Buffer | string): StoredReport | undefined {
  return parseStoredReport(safeJson(v));
}

/**
 * Reports in etcd under `<namespace>/reconciler/reports/<host>` (JSON, the
 * host's canonical name), so several reconciler replicas share one fleet
 * view. A report is kept with a transaction that succeeds only if the host's
 * key is unchanged since it was read, so a replayed `seq` cannot slip in
 * between two replicas. A new host is added in a transaction that also
 * requires the hosts epoch (hostsEpochKey) unchanged since the hosts were
 * counted, so replicas together never keep more than `max_hosts`.
 */
export function reportsPrefix(namespace: string): string {
  return `${namespace.replace(/\/+$/, '')}/reconciler/reports/`;
}

/**
 * Changed whenever a replica adds a host (its value: the host added last).
 * Adding a host is a transaction on it, so two replicas adding hosts at the
 * same instant cannot both pass the `max_hosts` count: one of them counts again.
 */
export function hostsEpochKey(namespace: string): string {
  return `${namespace.replace(/\/+$/, '')}/reconciler/hosts-epoch`;
}

/** Each host's report history (reports/history.ts), JSON, beside its report: written only when a report changes what the host says. */
export function historyPrefix(namespace: string): string {
  return `${namespace.replace(/\/+$/, '')}/reconciler/history/`;
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
  const epochKey = hostsEpochKey(config.namespace);
  const historyAt = (host: string): string => historyPrefix(config.namespace) + reportKey(host);
  /**
   * Add a kept report to its host's history, compare-and-swap like the
   * report itself. Best effort: the report is kept already, and a history
   * that lost its race three times (two replicas, one host) misses one entry.
   */
  const record = async (host: string, stored: StoredReport): Promise<void> => {
    const key = historyAt(host);
    for (let attempt = 0; attempt < 3; attempt++) {
      const got = await access(client.get(key).exec(), 'read');
      const kv = got.kvs[0];
      const before = kv ? parseHistory(safeJson(kv.value)) : [];
      const after = recordHistory(before, stored);
      if (after === before) return;
      const unchanged = kv ? client.if(key, 'Mod', '==', kv.mod_revision) : client.if(key, 'Create', '==', 0);
      const txn = await access(unchanged.then(client.put(key).value(JSON.stringify(after))).commit(), 'write');
      if (txn.succeeded) return;
    }
  };
  const access = <T>(work: Promise<T>, op: 'read' | 'write'): Promise<T> =>
    work.catch((e: unknown) => {
      throw etcdAccessError(e, config, secrets, { op, prefix }) ?? e;
    });

  /*
   * The host view: every report under the prefix, read once and then kept
   * current by a watch from the revision of that read, so a request for the
   * fleet reads memory instead of re-reading and re-parsing every report.
   * Replicas see each other's reports one watch event later. A watch that
   * fails for good (its revision compacted away) is dropped, and the next
   * request reads the prefix again.
   */
  let newHosts: Promise<unknown> = Promise.resolve();
  const oneNewHostAtATime = <T>(work: () => Promise<T>): Promise<T> => {
    const run = newHosts.then(work);
    newHosts = run.catch(() => undefined);
    return run;
  };
  const listeners: Array<(channel: string, host: string) => void> = [];
  const cache = new Map<string, StoredReport>();
  let listed: StoredReport[] | undefined;
  let watcher: Watcher | undefined;
  let loading: Promise<void> | undefined;
  let closed = false;
  const apply = (kv: IKeyValue, stored: StoredReport | undefined): void => {
    const key = kv.key.toString();
    if (stored) cache.set(key, stored);
    else cache.delete(key); // deleted, a foreign value, or one off the report schema
    listed = undefined;
  };
  const load = async (): Promise<void> => {
    const res = await access(client.getAll().prefix(prefix).exec(), 'read');
    cache.clear();
    listed = undefined;
    for (const kv of res.kvs) apply(kv, parseValue(kv.value));
    const w = await access(client.watch().prefix(prefix).startRevision(String(Number(res.header.revision) + 1)).create(), 'read');
    w.on('put', (kv) => {
      const text = kv.value.toString();
      // Its own write, already in the view, comes back as the very text it wrote: not news.
      const news = text !== JSON.stringify(cache.get(kv.key.toString()));
      const stored = parseValue(text);
      apply(kv, stored);
      // After the view has it: a listener that reads list() now sees this report.
      if (stored && news) for (const l of listeners) l(stored.report.channel, stored.report.host);
    });
    w.on('delete', (kv) => apply(kv, undefined));
    w.on('error', () => {
      void w.cancel().catch(() => undefined);
      if (watcher === w) {
        watcher = undefined;
        loading = undefined; // read again on the next request
      }
    });
    if (closed) await w.cancel();
    else watcher = w;
  };
  const ready = (): Promise<void> =>
    (loading ??= load().catch((e: unknown) => {
      loading = undefined;
      throw e;
    }));

  return {
    kind: 'etcd',
    async keep(host, stored, rules) {
      const key = prefix + reportKey(host);
      for (let attempt = 0; attempt < MAX_KEEP_ATTEMPTS; attempt++) {
        if (attempt > 0) await sleep(Math.random() * 10 * attempt); // another replica won the last round: let it finish
        const got = await access(client.get(key).exec(), 'read');
        const kv = got.kvs[0];
        const previous = kv ? parseValue(kv.value) : undefined;
        let admission: Admission;
        let txn: { succeeded: boolean };
        if (kv) {
          admission = admitReport(stored, previous, 0, rules);
          if (!admission.kept) return admission;
          txn = await access(client.if(key, 'Mod', '==', kv.mod_revision).then(client.put(key).value(JSON.stringify(stored))).commit(), 'write');
        } else {
          // A new host: one at a time on this replica (they would only beat each other's epoch), and across replicas
          // added only if the hosts epoch did not change since the hosts were counted.
          const outcome = await oneNewHostAtATime(async () => {
            const epoch = (await access(client.get(epochKey).exec(), 'read')).kvs[0];
            const known = await access(client.getAll().prefix(prefix).count(), 'read');
            const a = admitReport(stored, undefined, known, rules);
            if (!a.kept) return { admission: a, txn: { succeeded: false } };
            const t = await access(
              client
                .if(key, 'Create', '==', 0)
                .and(epochKey, 'Mod', '==', epoch ? epoch.mod_revision : '0')
                .then(client.put(key).value(JSON.stringify(stored)), client.put(epochKey).value(reportKey(host)))
                .commit(),
              'write',
            );
            return { admission: a, txn: t };
          });
          admission = outcome.admission;
          if (!admission.kept) return admission;
          txn = outcome.txn;
        }
        if (txn.succeeded) {
          // This replica's own report is in its view at once; the watch brings the same value again.
          cache.set(key, stored);
          listed = undefined;
          if (changesHistory(previous, stored)) await record(host, stored);
          return admission;
        }
      }
      throw new InternalError({ where: `keeping the report for ${host} in etcd`, cause: `the key changed under every one of ${MAX_KEEP_ATTEMPTS} attempts` });
    },
    async list() {
      await ready();
      listed ??= [...latestPerHost(cache.values()).values()];
      return listed.slice(); // the caller's own copy: the view stays as the watch made it
    },
    onOtherReport(listener) {
      listeners.push(listener);
      void ready().catch(() => undefined); // the watch is what brings them
    },
    async history(host) {
      const value = await access(client.get(historyAt(host)).string(), 'read');
      return value === null ? [] : parseHistory(safeJson(value));
    },
    async close() {
      closed = true;
      await watcher?.cancel().catch(() => undefined);
      client.close();
    },
  };
}

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
  const view = new ReportsView({
    changedSince: async (revision) => {
      const r = await access(client.getAll().prefix(prefix).minModRevision(String(BigInt(revision) + 1n)).exec(), 'read');
      return { revision: String(r.header.revision), kvs: r.kvs.map((kv) => ({ key: kv.key.toString(), value: kv.value })) };
    },
    count: (revision) => access(client.getAll().prefix(prefix).revision(revision).count(), 'read'),
    all: async () => {
      const r = await access(client.getAll().prefix(prefix).exec(), 'read');
      return { revision: String(r.header.revision), kvs: r.kvs.map((kv) => ({ key: kv.key.toString(), value: kv.value })) };
    },
  });
  let listing: Promise<void> = Promise.resolve();
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
    // Each list() reads etcd (so a report kept a moment ago, by this replica or another, is in it), but only what
    // changed: one list runs at a time, each after the one before it.
    list() {
      const run = listing.then(() => view.refresh()).then((reports) => reports.slice()); // callers may sort or filter in place
      listing = run.then(
        () => undefined,
        () => undefined,
      );
      return run;
    },
    async close() {
      client.close();
    },
  };
}

interface RangeRead {
  readonly revision: string;
  readonly kvs: ReadonlyArray<{ readonly key: string; readonly value: Buffer }>;
}

/**
 * The reports under the prefix as last read, parsed once per change: a read
 * asks etcd only for the keys modified since the revision it saw last
 * (`min_mod_revision`) and counts the keys at the new revision; a count that
 * does not match (a key was deleted) reads everything again. GET /v1/hosts and
 * the dashboard so no longer parse every report on every request.
 */
class ReportsView {
  private revision: string | undefined;
  private readonly byKey = new Map<string, StoredReport | undefined>();
  private latest: StoredReport[] = [];

  constructor(
    private readonly etcd: {
      changedSince(revision: string): Promise<RangeRead>;
      count(revision: string): Promise<number>;
      all(): Promise<RangeRead>;
    },
  ) {}

  async refresh(): Promise<StoredReport[]> {
    if (this.revision === undefined) return this.reload();
    const changed = await this.etcd.changedSince(this.revision);
    if (changed.kvs.length === 0 && changed.revision === this.revision) return this.latest;
    for (const kv of changed.kvs) this.byKey.set(kv.key, parseValue(kv.value)); // undefined: a foreign value, or one off the report schema
    if ((await this.etcd.count(changed.revision)) !== this.byKey.size) return this.reload();
    this.revision = changed.revision;
    if (changed.kvs.length > 0) this.rebuild();
    return this.latest;
  }

  private async reload(): Promise<StoredReport[]> {
    const all = await this.etcd.all();
    this.byKey.clear();
    for (const kv of all.kvs) this.byKey.set(kv.key, parseValue(kv.value));
    this.revision = all.revision;
    this.rebuild();
    return this.latest;
  }

  private rebuild(): void {
    const parsed: StoredReport[] = [];
    for (const v of this.byKey.values()) if (v) parsed.push(v);
    this.latest = [...latestPerHost(parsed).values()];
  }
}

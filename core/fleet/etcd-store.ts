import { Etcd3 } from 'etcd3';
import { FleetStoreUnavailableError } from '../errors/index.js';
import type { EtcdSecrets } from './credentials.js';
import { withDeadline } from './deadline.js';
import { etcdAccessError, etcdClientAuth } from './etcd-access.js';
import { assertHostName, entriesFromValues, hostKey, normalizeNamespace, publishValues, splitHostKey } from './keys.js';
import type { FleetEntry, FleetStore, FleetStoreConfig, HostRevisions } from './types.js';
import type { FleetDetail } from '../wire/fleet-detail.js';
import { storeUnavailable } from './unavailable.js';

/**
 * The fleet store in etcd v3 (etcd3 client over gRPC). Every call is bounded
 * by `timeoutSeconds`: a store that is down or unreachable fails with
 * FleetStoreUnavailableError within that time instead of hanging in the
 * client's retries. With `secrets` (core/fleet/credentials.ts) it logs in
 * with a user and password and/or a TLS client certificate; refused
 * credentials are a FleetStoreAuthError, a refused key range a
 * FleetStorePermissionError (core/fleet/etcd-access.ts).
 */
export function openEtcdStore(config: FleetStoreConfig, secrets: EtcdSecrets = {}): FleetStore {
  const ms = Math.max(1, Math.round(config.timeoutSeconds * 1000));
  const client = new Etcd3({
    hosts: [...config.endpoints],
    ...etcdClientAuth(secrets),
    dialTimeout: ms,
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + ms }),
    // A fleet of 10,000 hosts with agent detail is several MiB in one range reply.
    grpcOptions: { 'grpc.max_receive_message_length': 256 * 1024 * 1024 },
  });
  const namespace = normalizeNamespace(config.namespace);
  const bounded = <T>(work: Promise<T>, access: { op: 'read' | 'write'; prefix: string }): Promise<T> =>
    withDeadline(work, ms, () => storeUnavailable('etcd', config, 'timed out')).catch((e: unknown) => {
      if (e instanceof FleetStoreUnavailableError) throw e;
      throw etcdAccessError(e, config, secrets, access) ?? storeUnavailable('etcd', config, e);
    });

  return {
    kind: 'etcd',
    async list(): Promise<FleetEntry[]> {
      const kv = await bounded(client.getAll().prefix(namespace + '/').strings(), { op: 'read', prefix: namespace + '/' });
      const triples: Array<[string, string, string]> = [];
      for (const [key, value] of Object.entries(kv)) {
        const hk = splitHostKey(namespace, key);
        if (hk) triples.push([hk[0], hk[1], value]);
      }
      return entriesFromValues(triples);
    },
    async publish(host: string, revisions: HostRevisions, agent?: FleetDetail): Promise<void> {
      assertHostName(host);
      const values = publishValues(revisions, agent);
      // One transaction: a reader never sees half of a host's update.
      const txn = client.if(hostKey(namespace, host, 'current'), 'Version', '>', -1);
      await bounded(txn.then(...values.map(([k, v]) => client.put(hostKey(namespace, host, k)).value(v))).commit(), { op: 'write', prefix: `${namespace}/${host}/` });
    },
    async close(): Promise<void> {
      client.close();
    },
  };
}

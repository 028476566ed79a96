import type { Etcd3 } from 'etcd3';
import { FleetStoreUnavailableError } from '../errors/index.js';
import type { EtcdSecrets } from './credentials.js';
import { withDeadline } from './deadline.js';
import { etcdAccessError, etcdClientAuth } from './etcd-access.js';
import { listEtcdPrefix } from './etcd-range.js';
import { assertHostName, hostKey, listingFold, normalizeNamespace, publishValues } from './keys.js';
import type { FleetEntry, FleetStore, FleetStoreConfig, HostRevisions } from './types.js';
import type { FleetDetail } from '../wire/fleet-detail.js';
import { storeUnavailable } from './unavailable.js';

/**
 * The fleet store in etcd v3: listed with one lean gRPC range read
 * (core/fleet/etcd-range.ts), written with the etcd3 client. Every call is bounded
 * by `timeoutSeconds`: a store that is down or unreachable fails with
 * FleetStoreUnavailableError within that time instead of hanging in the
 * client's retries. With `secrets` (core/fleet/credentials.ts) it logs in
 * with a user and password and/or a TLS client certificate; refused
 * credentials are a FleetStoreAuthError, a refused key range a
 * FleetStorePermissionError (core/fleet/etcd-access.ts).
 */
export function openEtcdStore(config: FleetStoreConfig, secrets: EtcdSecrets = {}): FleetStore {
  const ms = Math.max(1, Math.round(config.timeoutSeconds * 1000));
  // The etcd3 client (gRPC services built from etcd's .proto files) is loaded
  // on the first write: a listing does not need it (core/fleet/etcd-range.ts).
  let client: Promise<Etcd3> | undefined;
  const writer = (): Promise<Etcd3> =>
    (client ??= import('etcd3').then(
      ({ Etcd3 }) =>
        new Etcd3({
          hosts: [...config.endpoints],
          ...etcdClientAuth(secrets),
          dialTimeout: ms,
          defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + ms }),
        }),
    ));
  const namespace = normalizeNamespace(config.namespace);
  const bounded = <T>(work: Promise<T>, access: { op: 'read' | 'write'; prefix: string }): Promise<T> =>
    withDeadline(work, ms, () => storeUnavailable('etcd', config, 'timed out')).catch((e: unknown) => {
      if (e instanceof FleetStoreUnavailableError) throw e;
      throw etcdAccessError(e, config, secrets, access) ?? storeUnavailable('etcd', config, e);
    });

  return {
    kind: 'etcd',
    async list(): Promise<FleetEntry[]> {
      const prefix = namespace + '/';
      const fold = listingFold(namespace);
      await bounded(listEtcdPrefix(config.endpoints, secrets, prefix, ms, fold.add), { op: 'read', prefix });
      return fold.entries();
    },
    async publish(host: string, revisions: HostRevisions, agent?: FleetDetail): Promise<void> {
      assertHostName(host);
      const values = publishValues(revisions, agent);
      const write = async (): Promise<void> => {
        const etcd = await writer();
        // One transaction: a reader never sees half of a host's update.
        const txn = etcd.if(hostKey(namespace, host, 'current'), 'Version', '>', -1);
        await txn.then(...values.map(([k, v]) => etcd.put(hostKey(namespace, host, k)).value(v))).commit();
      };
      await bounded(write(), { op: 'write', prefix: `${namespace}/${host}/` });
    },
    async close(): Promise<void> {
      // A client that never came up (its load failed, and the write said so) has nothing to close.
      (await client?.catch(() => undefined))?.close();
    },
  };
}

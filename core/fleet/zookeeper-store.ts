import zookeeper, { type ACL, type Client, type ZkError } from 'node-zookeeper-client';
import { FleetStoreAuthError, FleetStorePermissionError, FleetStoreUnavailableError } from '../errors/index.js';
import type { ZooKeeperSecrets } from './credentials.js';
import { withDeadline } from './deadline.js';
import { AGENT_KEY, REVISION_KEYS, assertHostName, entriesFromValues, hostKey, normalizeNamespace, publishValues } from './keys.js';
import type { FleetEntry, FleetStore, FleetStoreConfig, HostRevisions } from './types.js';
import type { FleetDetail } from '../wire/fleet-detail.js';
import { storeUnavailable } from './unavailable.js';
import { NAMESPACE_NODE_ACL, hostNodeAcl, type AclEntry } from './zookeeper-acl.js';

/** Reads in flight at once while listing a large fleet. */
const READ_CONCURRENCY = 8192;
const LIST_KEYS = [...REVISION_KEYS, AGENT_KEY] as const;

const isCode = (e: ZkError | null, code: number): boolean => e !== null && typeof e.getCode === 'function' && e.getCode() === code;

const toAcl = (entries: readonly AclEntry[]): ACL[] => entries.map((a) => new zookeeper.ACL(a.perms, new zookeeper.Id(a.scheme, a.id)));
const OPEN_ACL: ACL[] = [new zookeeper.ACL(zookeeper.Permission.ALL, new zookeeper.Id('world', 'anyone'))];

/**
 * The fleet store in ZooKeeper (node-zookeeper-client, pure JS): one znode
 * per value at `<namespace>/<host>/<key>`. Connecting and every call are
 * bounded by `timeoutSeconds`; an unreachable ensemble fails with
 * FleetStoreUnavailableError within that time. With digest credentials
 * (`auth_file`) the session authenticates and the nodes it creates get the
 * ACLs of core/fleet/zookeeper-acl.ts; a node whose ACL refuses us is a
 * FleetStorePermissionError.
 */
export function openZooKeeperStore(config: FleetStoreConfig, secrets: ZooKeeperSecrets = {}): FleetStore {
  const ms = Math.max(1, Math.round(config.timeoutSeconds * 1000));
  const namespace = normalizeNamespace(config.namespace);
  const client: Client = zookeeper.createClient(config.endpoints.join(','), { sessionTimeout: Math.max(ms, 4000), spinDelay: 200, retries: 0 });
  const digest = secrets.digest;
  if (digest) client.addAuthInfo('digest', Buffer.from(`${digest.user}:${digest.password.reveal()}`, 'utf8'));
  const hostAcl = digest ? toAcl(hostNodeAcl(digest.user, digest.password.reveal())) : OPEN_ACL;
  const namespaceAcl = digest ? toAcl(NAMESPACE_NODE_ACL) : OPEN_ACL;
  const who = digest ? `digest user "${digest.user}"` : 'an anonymous client';
  const section = config.section ?? 'zookeeper';

  // The server ends a session whose credentials it refuses; every call then fails with this instead of timing out.
  const authFailed = new Promise<never>((_, reject) =>
    client.once('authenticationFailed', () =>
      reject(
        new FleetStoreAuthError({ store: 'zookeeper', reason: 'refused', endpoints: [...config.endpoints], identity: who, section }),
      ),
    ),
  );
  authFailed.catch(() => undefined); // observed through `bounded`

  let connected: Promise<void> | undefined;
  const connect = (): Promise<void> =>
    (connected ??= new Promise<void>((resolve) => {
      client.once('connected', () => resolve());
      client.connect();
    }));
  const bounded = <T>(work: () => Promise<T>): Promise<T> =>
    withDeadline(Promise.race([connect().then(work), authFailed]), ms, () => storeUnavailable('zookeeper', config, 'timed out')).catch((e: unknown) => {
      if (e instanceof FleetStoreUnavailableError || e instanceof FleetStoreAuthError || e instanceof FleetStorePermissionError) throw e;
      throw storeUnavailable('zookeeper', config, e);
    });

  /** NoAuth on `path`: the node's ACL does not grant this session what it asked. */
  const refused = (err: ZkError | null, path: string, op: 'read' | 'write'): Error | null => {
    if (isCode(err, zookeeper.Exception.NO_AUTH)) {
      return new FleetStorePermissionError({ store: 'zookeeper', endpoints: [...config.endpoints], identity: who, op, path, section });
    }
    return err;
  };

  const getData = (path: string): Promise<string | undefined> =>
    new Promise((resolve, reject) =>
      client.getData(path, (err, data) => {
        if (isCode(err, zookeeper.Exception.NO_NODE)) resolve(undefined);
        else if (err) reject(refused(err, path, 'read'));
        else resolve(data ? data.toString('utf8') : undefined);
      }),
    );
  const getChildren = (path: string): Promise<string[]> =>
    new Promise((resolve, reject) =>
      client.getChildren(path, (err, children) => {
        if (isCode(err, zookeeper.Exception.NO_NODE)) resolve([]);
        else if (err) reject(refused(err, path, 'read'));
        else resolve(children);
      }),
    );
  const exists = (path: string): Promise<boolean> =>
    new Promise((resolve, reject) => client.exists(path, (err, stat) => (err ? reject(err) : resolve(stat !== null))));
  /** Create `path` with `acl` unless it exists (checked first: creating needs CREATE on the parent even when the node is there). */
  const ensure = async (path: string, acl: ACL[]): Promise<void> => {
    if (await exists(path)) return;
    await new Promise<void>((resolve, reject) =>
      client.create(path, Buffer.alloc(0), acl, (err) => (err && !isCode(err, zookeeper.Exception.NODE_EXISTS) ? reject(refused(err, path, 'write')) : resolve())),
    );
  };
  const put = (path: string, value: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const data = Buffer.from(value, 'utf8');
      client.setData(path, data, -1, (err) => {
        if (!isCode(err, zookeeper.Exception.NO_NODE)) return err ? reject(refused(err, path, 'write')) : resolve();
        client.create(path, data, hostAcl, (err2) => {
          if (!isCode(err2, zookeeper.Exception.NODE_EXISTS)) return err2 ? reject(refused(err2, path, 'write')) : resolve();
          client.setData(path, data, -1, (err3) => (err3 ? reject(refused(err3, path, 'write')) : resolve()));
        });
      });
    });

  return {
    kind: 'zookeeper',
    list(): Promise<FleetEntry[]> {
      return bounded(async () => {
        const hosts = await getChildren(namespace.length > 0 ? namespace : '/');
        const jobs = hosts.flatMap((h) => LIST_KEYS.map((k) => [h, k] as const));
        const triples: Array<[string, string, string | undefined]> = new Array(jobs.length);
        let next = 0;
        const worker = async (): Promise<void> => {
          while (next < jobs.length) {
            const i = next++;
            const [h, k] = jobs[i]!;
            triples[i] = [h, k, await getData(hostKey(namespace, h, k))];
          }
        };
        await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, jobs.length) }, worker));
        return entriesFromValues(triples);
      });
    },
    async publish(host: string, revisions: HostRevisions, agent?: FleetDetail): Promise<void> {
      assertHostName(host);
      await bounded(async () => {
        const parts = namespace.split('/').filter((p) => p.length > 0);
        for (let i = 1; i <= parts.length; i++) await ensure('/' + parts.slice(0, i).join('/'), namespaceAcl);
        await ensure(`${namespace}/${host}`, hostAcl);
        await Promise.all(publishValues(revisions, agent).map(([k, v]) => put(hostKey(namespace, host, k), v)));
      });
    },
    async close(): Promise<void> {
      client.close();
    },
  };
}

import zookeeper, { type Client, type ZkError } from 'node-zookeeper-client';
import { withDeadline } from './deadline.js';
import { AGENT_KEY, REVISION_KEYS, assertHostName, entriesFromValues, hostKey, normalizeNamespace, publishValues } from './keys.js';
import type { FleetEntry, FleetStore, FleetStoreConfig, HostRevisions } from './types.js';
import type { FleetDetail } from '../wire/fleet-detail.js';
import { storeUnavailable } from './unavailable.js';

/** Reads in flight at once while listing a large fleet. */
const READ_CONCURRENCY = 8192;
const LIST_KEYS = [...REVISION_KEYS, AGENT_KEY] as const;

const isCode = (e: ZkError | null, code: number): boolean => e !== null && typeof e.getCode === 'function' && e.getCode() === code;

/**
 * The fleet store in ZooKeeper (node-zookeeper-client, pure JS): one znode
 * per value at `<namespace>/<host>/<key>`. Connecting and every call are
 * bounded by `timeoutSeconds`; an unreachable ensemble fails with
 * FleetStoreUnavailableError within that time.
 */
export function openZooKeeperStore(config: FleetStoreConfig): FleetStore {
  const ms = Math.max(1, Math.round(config.timeoutSeconds * 1000));
  const namespace = normalizeNamespace(config.namespace);
  const client: Client = zookeeper.createClient(config.endpoints.join(','), { sessionTimeout: Math.max(ms, 4000), spinDelay: 200, retries: 0 });
  let connected: Promise<void> | undefined;

  const connect = (): Promise<void> =>
    (connected ??= new Promise<void>((resolve) => {
      client.once('connected', () => resolve());
      client.connect();
    }));
  const bounded = <T>(work: () => Promise<T>): Promise<T> =>
    withDeadline(
      connect().then(work),
      ms,
      () => storeUnavailable('zookeeper', config, 'timed out'),
    ).catch((e: unknown) => {
      throw e instanceof Error && e.name === 'FleetStoreUnavailableError' ? e : storeUnavailable('zookeeper', config, e);
    });

  const getData = (path: string): Promise<string | undefined> =>
    new Promise((resolve, reject) =>
      client.getData(path, (err, data) => {
        if (isCode(err, zookeeper.Exception.NO_NODE)) resolve(undefined);
        else if (err) reject(err);
        else resolve(data ? data.toString('utf8') : undefined);
      }),
    );
  const getChildren = (path: string): Promise<string[]> =>
    new Promise((resolve, reject) =>
      client.getChildren(path, (err, children) => {
        if (isCode(err, zookeeper.Exception.NO_NODE)) resolve([]);
        else if (err) reject(err);
        else resolve(children);
      }),
    );
  const mkdirp = (path: string): Promise<void> =>
    new Promise((resolve, reject) => client.mkdirp(path, (err) => (err ? reject(err) : resolve())));
  const put = (path: string, value: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const data = Buffer.from(value, 'utf8');
      client.setData(path, data, -1, (err) => {
        if (!isCode(err, zookeeper.Exception.NO_NODE)) return err ? reject(err) : resolve();
        client.create(path, data, (err2) => {
          if (!isCode(err2, zookeeper.Exception.NODE_EXISTS)) return err2 ? reject(err2) : resolve();
          client.setData(path, data, -1, (err3) => (err3 ? reject(err3) : resolve()));
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
        await mkdirp(`${namespace}/${host}`);
        await Promise.all(publishValues(revisions, agent).map(([k, v]) => put(hostKey(namespace, host, k), v)));
      });
    },
    async close(): Promise<void> {
      client.close();
    },
  };
}

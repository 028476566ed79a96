import { Etcd3, type Campaign, type Watcher } from 'etcd3';
import type { EtcdSecrets } from '../../core/fleet/credentials.js';
import { etcdAccessError, etcdClientAuth } from '../../core/fleet/etcd-access.js';
import type { FleetStoreConfig } from '../../core/fleet/types.js';
import type { Logger } from '../../core/log.js';
import type { RolloutRecord } from './record.js';
import { parseRecord, type RolloutStore } from './store.js';

/** `<namespace>/reconciler/rollouts/<channel>`: one JSON record per channel, shared by the replicas. */
export function rolloutsPrefix(namespace: string): string {
  return `${namespace.replace(/\/+$/, '')}/reconciler/rollouts/`;
}

/** The etcd election whose leader alone moves rollouts forward: its keys are `<namespace>/reconciler/election/rollout-leader/<lease>`, inside what the reconciler's etcd role may write. */
export const ROLLOUT_ELECTION = 'rollout-leader';

/** Seconds the leader's lease outlives it: another replica takes over within this after a crash. */
export const LEADER_TTL_SECONDS = 5;

/**
 * Rollout records in etcd (DESIGN.md §12: replicas agree on progress). Every
 * replica campaigns in one etcd election; the leader (its lease alive) alone
 * starts rollouts and opens waves, and writes a record only while its
 * campaign key exists (a transaction), so a replica that lost its lease
 * cannot overwrite the new leader. Every replica watches the records (to
 * serve what the leader decided); the leader learns of reports another
 * replica received from its report store (ReportStore.onOtherReport), once
 * its host view has them.
 */
export function openEtcdRolloutStore(config: FleetStoreConfig, secrets: EtcdSecrets, log: Logger, id: string): RolloutStore {
  const client = new Etcd3({ hosts: [...config.endpoints], ...etcdClientAuth(secrets), dialTimeout: config.timeoutSeconds * 1000 });
  const prefix = rolloutsPrefix(config.namespace);
  const base = `${config.namespace.replace(/\/+$/, '')}/reconciler/`;
  const access = <T>(work: Promise<T>, op: 'read' | 'write'): Promise<T> =>
    work.catch((e: unknown) => {
      throw etcdAccessError(e, config, secrets, { op, prefix }) ?? e;
    });
  let campaign: Campaign | undefined;
  let leaderKey: string | undefined;
  let watcher: Watcher | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let retryCampaign: NodeJS.Timeout | undefined;

  return {
    kind: 'etcd',
    async load() {
      const all = await access(client.getAll().prefix(prefix).strings(), 'read');
      const out = new Map<string, RolloutRecord>();
      for (const [key, value] of Object.entries(all)) out.set(key.slice(prefix.length), parseRecord(value, `etcd key ${key}`));
      return out;
    },
    async save(channel, record) {
      const key = prefix + channel;
      if (leaderKey === undefined) throw new Error('this replica does not lead rollouts');
      const txn = await access(client.if(leaderKey, 'Create', '>', 0).then(client.put(key).value(JSON.stringify(record))).commit(), 'write');
      if (!txn.succeeded) throw new Error('this replica lost the rollout election before it could write');
    },
    async follow(hooks) {
      // In the background, so a reconciler starts while etcd is down (as its report store does): watch,
      // then read every record once (what was written before the watch), and try again until it works.
      const watch = async (): Promise<void> => {
        const w = await access(client.watch().prefix(prefix).create(), 'read');
        if (closed) {
          await w.cancel();
          return;
        }
        watcher = w;
        w.on('put', (kv) => {
          const key = kv.key.toString();
          if (key.startsWith(prefix)) {
            try {
              hooks.onRecord(key.slice(prefix.length), parseRecord(kv.value.toString(), `etcd key ${key}`));
            } catch (e) {
              log.error(`${(e as Error).message} [RolloutStateCorruptError]`);
            }
          }
        });
        w.on('error', (e) => log.warn(`rollouts: etcd watch failed (${e.message}); it reconnects`));
        const all = await access(client.getAll().prefix(prefix).strings(), 'read');
        for (const [key, value] of Object.entries(all)) {
          try {
            hooks.onRecord(key.slice(prefix.length), parseRecord(value, `etcd key ${key}`));
          } catch (e) {
            log.error(`${(e as Error).message} [RolloutStateCorruptError]`);
          }
        }
      };
      const watchUntilUp = (): void => {
        void watch().catch((e: unknown) => {
          if (closed) return;
          log.warn(`rollouts: cannot watch etcd yet (${(e as Error).message}); trying again in 1s`);
          retry = setTimeout(watchUntilUp, 1000);
        });
      };
      watchUntilUp();
      const run = (): void => {
        if (closed) return;
        const c = client.namespace(base).election(ROLLOUT_ELECTION, LEADER_TTL_SECONDS).campaign(id);
        campaign = c;
        c.on('elected', () => {
          void c
            .getCampaignKey()
            .then((k) => {
              if (campaign !== c || closed) return;
              leaderKey = k;
              hooks.onLead(true);
            })
            .catch((e: unknown) => log.warn(`rollouts: cannot read the election key (${(e as Error).message})`));
        });
        c.on('error', (e: Error) => {
          if (campaign !== c || closed) return;
          log.warn(`rollouts: lost the etcd election (${e.message}); campaigning again`);
          leaderKey = undefined;
          campaign = undefined;
          hooks.onLead(false);
          retryCampaign = setTimeout(run, 1000);
        });
      };
      run();
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      if (retryCampaign) clearTimeout(retryCampaign);
      await watcher?.cancel().catch(() => {});
      await campaign?.resign().catch(() => {});
      client.close();
    },
  };
}

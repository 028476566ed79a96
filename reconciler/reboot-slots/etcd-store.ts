import { Etcd3 } from 'etcd3';
import type { EtcdSecrets } from '../../core/fleet/credentials.js';
import { etcdAccessError, etcdClientAuth } from '../../core/fleet/etcd-access.js';
import type { FleetStoreConfig } from '../../core/fleet/types.js';
import { InternalError } from '../../core/errors/index.js';
import type { RebootSlot } from './decide.js';
import { parseSlot, type RebootSlotStore } from './store.js';

/** How often a claim is tried again when another replica took a slot key in between. */
const MAX_CLAIM_ATTEMPTS = 8;

/** `<namespace>/reconciler/reboot-slots/<channel>/<i>`: slot `i` (0 … max-1) of a channel. */
export function slotsPrefix(namespace: string, channel: string): string {
  return `${namespace.replace(/\/+$/, '')}/reconciler/reboot-slots/${channel}/`;
}

/**
 * Reboot slots in etcd, so replicas agree (DESIGN.md §13): a channel has keys
 * `0` … `max-1`, one per slot, each put with a lease as long as the slot
 * timeout, so a slot nobody releases disappears by itself. A grant writes a
 * free key in a transaction that holds only if that key is unchanged since it
 * was read: two replicas granting at once cannot both take it.
 */
export function openEtcdSlots(config: FleetStoreConfig, secrets: EtcdSecrets, timeoutMs: number): RebootSlotStore {
  const client = new Etcd3({ hosts: [...config.endpoints], ...etcdClientAuth(secrets), dialTimeout: config.timeoutSeconds * 1000 });
  const access = <T>(work: Promise<T>, op: 'read' | 'write', prefix: string): Promise<T> =>
    work.catch((e: unknown) => {
      throw etcdAccessError(e, config, secrets, { op, prefix }) ?? e;
    });
  return {
    kind: 'etcd',
    async claim(channel, max, decide) {
      const prefix = slotsPrefix(config.namespace, channel);
      for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
        const got = await access(client.getAll().prefix(prefix).exec(), 'read', prefix);
        const byKey = new Map<string, { slot: RebootSlot | undefined; mod: string }>();
        for (const kv of got.kvs) byKey.set(kv.key.toString(), { slot: parseSlot(kv.value.toString()), mod: kv.mod_revision });
        const slots = [...byKey.values()].flatMap((v) => (v.slot ? [v.slot] : []));
        const d = decide(slots);
        if (!d.granted || d.renewed) return d;
        // A key that is absent, unreadable, or holds a slot the decision no longer counts (released, expired).
        const held = new Set(d.holders.filter((h) => h !== d.slot.host));
        let free: { key: string; mod: string | undefined } | undefined;
        for (let i = 0; i < max && !free; i++) {
          const key = `${prefix}${i}`;
          const cur = byKey.get(key);
          if (!cur) free = { key, mod: undefined };
          else if (!cur.slot || !held.has(cur.slot.host) || cur.slot.host === d.slot.host) free = { key, mod: cur.mod };
        }
        if (!free) return d; // cannot happen: fewer than max are held; the decision stands, the next ask finds the key
        const lease = client.lease(Math.max(1, Math.ceil(timeoutMs / 1000)), { autoKeepAlive: false });
        const leaseId = await access(lease.grant(), 'write', prefix);
        const unchanged = free.mod === undefined ? client.if(free.key, 'Create', '==', 0) : client.if(free.key, 'Mod', '==', free.mod);
        const txn = await access(unchanged.then(client.put(free.key).value(JSON.stringify(d.slot)).lease(leaseId)).commit(), 'write', prefix);
        lease.release();
        if (txn.succeeded) {
          // The host held an older slot (another digest) under another key: it has one slot, the new one.
          for (const [key, v] of byKey) if (key !== free.key && v.slot?.host === d.slot.host) await access(client.if(key, 'Mod', '==', v.mod).then(client.delete().key(key)).commit(), 'write', prefix);
          return d;
        }
      }
      throw new InternalError({ where: `claiming a reboot slot of channel ${channel} in etcd`, cause: `the slot keys changed under every one of ${MAX_CLAIM_ATTEMPTS} attempts` });
    },
    async close() {
      client.close();
    },
  };
}

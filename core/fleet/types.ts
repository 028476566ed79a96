import type { FleetDetail } from '../wire/fleet-detail.js';

/**
 * The fleet store: where hosts publish their revisions and `ogygia status`
 * reads them. Keys (DESIGN.md §5–6): `<namespace>/<host>/{current,booted,nextboot}`
 * hold plain revision strings; `<namespace>/<host>/agent` holds the agent's
 * JSON detail (core/wire/fleet-detail.ts). etcd and ZooKeeper implement the
 * same interface.
 */
export interface HostRevisions {
  readonly current: string;
  readonly booted: string;
  readonly nextboot: string;
}

/** One host as the store holds it; a missing key is undefined (shown as `unknown`). */
export interface FleetEntry {
  readonly host: string;
  readonly current?: string;
  readonly booted?: string;
  readonly nextboot?: string;
  /** `<host>/agent` when an agent published it and it matches the fleet detail schema. */
  readonly agent?: FleetDetail;
}

export interface FleetStore {
  readonly kind: 'etcd' | 'zookeeper';
  /** Every host under the namespace. */
  list(): Promise<FleetEntry[]>;
  /** Write this host's revisions (and, from the agent, its detail). */
  publish(host: string, revisions: HostRevisions, agent?: FleetDetail): Promise<void>;
  close(): Promise<void>;
}

export interface FleetStoreConfig {
  readonly endpoints: readonly string[];
  readonly namespace: string;
  readonly timeoutSeconds: number;
}

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
  /** The config table this store was set in (`etcd`, `ogygia.zookeeper`): errors name `<section>.<key>`. */
  readonly section?: string;
  /** Where the credentials are (DESIGN.md §11); the files are read when the store is opened (core/fleet/credentials.ts). */
  readonly credentials?: FleetStoreCredentialFiles;
}

/** The credential keys of `[etcd]` / `[zookeeper]`: a user name and paths, never the secrets themselves. */
export interface FleetStoreCredentialFiles {
  /** etcd: the user (with `passwordFile`). */
  readonly username?: string;
  readonly passwordFile?: string;
  /** etcd TLS: the CA to trust, and a client certificate with its key (PEM). */
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  /** ZooKeeper digest auth: one line `user:password`. */
  readonly authFile?: string;
}

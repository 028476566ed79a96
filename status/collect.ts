import { ConfigError, InternalError } from '../core/errors/index.js';
import { openFleetStore } from '../core/fleet/open-store.js';
import type { FleetStore, FleetStoreConfig, HostRevisions } from '../core/fleet/types.js';
import { detectHostname } from '../core/hostname.js';
import { readLocalRevisions } from '../core/local-revisions.js';
import { systemRoot } from '../core/paths.js';
import { type StatusConfig, loadStatusConfig, statusConfigPath } from './config.js';
import { type FleetSource, chooseFleetSource } from './fleet-source.js';
import { CONFIG_NOT_FOUND, fleetHeading, fleetReadFailed, noStoreConfigured } from './messages.js';
import { type FleetHost, type StatusRow, buildRows, fleetFromStore } from './rows.js';

/** Everything `ogygia status` shows, before it is printed as a table or JSON. */
export interface StatusReport {
  readonly configFile: string;
  readonly source: 'etcd' | 'zookeeper' | 'reconciler' | 'local';
  /** Namespace (etcd, ZooKeeper) or URL (reconciler) the fleet came from. */
  readonly location?: string;
  /** `etcd fleet state (... via ...):` */
  readonly heading?: string;
  /** Why only local data is shown (config not found, no store, a read that failed). */
  readonly notice?: string;
  /** The store error behind a fallback, for --json and logs. */
  readonly error?: { readonly code: string; readonly message: string };
  readonly rows: readonly StatusRow[];
}

/** The I/O `collectStatus` uses; tests and the benchmark pass their own. */
export interface StatusDeps {
  readonly env: NodeJS.ProcessEnv;
  loadConfig(file: string): Promise<StatusConfig | undefined>;
  detectHostname(env: NodeJS.ProcessEnv): Promise<string>;
  readLocalRevisions(root: string): Promise<HostRevisions>;
  openStore(kind: 'etcd' | 'zookeeper', config: FleetStoreConfig): Promise<FleetStore>;
  readReconciler(url: string, timeoutSeconds: number): Promise<FleetHost[]>;
}

export const defaultStatusDeps: StatusDeps = {
  env: process.env,
  loadConfig: loadStatusConfig,
  detectHostname,
  readLocalRevisions,
  openStore: openFleetStore,
  // Loaded only when the reconciler is the source (its wire schemas are not needed to read a store).
  readReconciler: async (url, timeoutSeconds) => (await import('./reconciler-source.js')).readReconcilerHosts(url, timeoutSeconds),
};

async function listStore(deps: StatusDeps, kind: 'etcd' | 'zookeeper', config: FleetStoreConfig): Promise<FleetHost[]> {
  const store = await deps.openStore(kind, config);
  try {
    return fleetFromStore(await store.list());
  } finally {
    await store.close();
  }
}

function readFleet(deps: StatusDeps, source: Exclude<FleetSource, { kind: 'none' }>): Promise<FleetHost[]> {
  return source.kind === 'reconciler' ? deps.readReconciler(source.url, source.timeoutSeconds) : listStore(deps, source.kind, source.store);
}

/** A promise's outcome as a value, so a failure waits for its turn instead of being an unhandled rejection. */
function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/**
 * Gather the status view: config (a bad file, or a credential file it names
 * that cannot be read, throws ConfigError), this host's name and revisions,
 * and the fleet from etcd, else ZooKeeper, else the reconciler. A store that
 * cannot be read (down, or refusing the credentials) falls back to local data
 * with the README's message; it never throws.
 */
export async function collectStatus(deps: StatusDeps = defaultStatusDeps): Promise<StatusReport> {
  const root = systemRoot(deps.env);
  const configFile = statusConfigPath(deps.env, root);
  const config = await deps.loadConfig(configFile);
  const source = config ? chooseFleetSource(config) : undefined;
  // The fleet is asked for first; this host's name and revisions are read while it answers.
  const fleetRead = source && source.kind !== 'none' ? settle(readFleet(deps, source)) : undefined;
  const [localHost, localRevisions] = await Promise.all([deps.detectHostname(deps.env), deps.readLocalRevisions(root)]);
  const domain = config?.ogygia.domain;
  const local = { localHost, localRevisions, ...(domain !== undefined ? { domain } : {}) };

  if (!config || !source) return { configFile, source: 'local', notice: CONFIG_NOT_FOUND, rows: buildRows(local) };
  if (source.kind === 'none' || !fleetRead) return { configFile, source: 'local', notice: noStoreConfigured(configFile), rows: buildRows(local) };

  const heading = fleetHeading(source, configFile);
  const location = source.kind === 'reconciler' ? source.url : source.store.namespace;
  try {
    const fleet = await fleetRead.then((r) => (r.ok ? r.value : Promise.reject(r.error)));
    return { configFile, source: source.kind, location, heading, rows: buildRows({ ...local, fleet }) };
  } catch (e) {
    // An unreadable credential file is a config problem, like a bad config file: not a store to fall back from.
    if (e instanceof ConfigError) throw e;
    // Any failure falls back to local data; one that is not an OgygiaError is reported as the bug it is.
    const { code, message } = InternalError.wrap(e, `reading ${source.kind}`);
    return {
      configFile,
      source: source.kind,
      location,
      heading,
      notice: fleetReadFailed(source, configFile, message),
      error: { code, message },
      rows: buildRows({ ...local, fleet: [] }),
    };
  }
}

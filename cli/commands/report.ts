import { NoFleetStoreError } from '../../core/errors/index.js';
import { openFleetStore } from '../../core/fleet/open-store.js';
import { detectHostname } from '../../core/hostname.js';
import { readLocalRevisions } from '../../core/local-revisions.js';
import { systemRoot } from '../../core/paths.js';
import { loadStatusConfig, statusConfigPath } from '../../status/config.js';
import { chooseReportStore } from '../../status/fleet-source.js';
import { type CommandIO, processIO } from '../io.js';

/**
 * Publish this host's ⚡ current, 🥾 booted and 🔜 next-boot revisions to the
 * configured etcd (preferred) or ZooKeeper under `<namespace>/<host>/`: the
 * publisher for hosts that do not run the agent.
 */
export async function report(io: CommandIO = processIO, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const root = systemRoot(env);
  const file = statusConfigPath(env, root);
  const config = await loadStatusConfig(file);
  const target = config ? chooseReportStore(config) : undefined;
  if (!target) {
    throw new NoFleetStoreError({ file, found: config !== undefined });
  }
  const [host, revisions] = await Promise.all([detectHostname(env), readLocalRevisions(root)]);
  const store = await openFleetStore(target.kind, target.store);
  try {
    await store.publish(host, revisions);
  } finally {
    await store.close();
  }
  io.err(
    `report: published ${host} (current ${revisions.current}, booted ${revisions.booted}, next boot ${revisions.nextboot}) to ${target.kind === 'etcd' ? 'etcd' : 'ZooKeeper'} ${target.store.namespace}`,
  );
  return 0;
}

import { access } from 'node:fs/promises';
import { z } from 'zod';
import { loadConfigFile } from '../core/config-file.js';
import { etcdSection, httpUrl, seconds, zookeeperSection } from '../core/config-schema.js';
import { DEFAULT_STATUS_CONFIG, underRoot } from '../core/paths.js';

/**
 * `/run/current-system/sw/share/ogygia/config.toml`, as the NixOS module
 * writes it (the Ogygia README's keys, plus `[ogygia.reconciler]`):
 *
 *   [ogygia]            domain = "example.com"
 *   [ogygia.etcd]       endpoints, namespace = "/nixos/versions", timeout_seconds = 10
 *   [ogygia.zookeeper]  enable, endpoints, namespace, timeout_seconds
 *   [ogygia.reconciler] url, timeout_seconds = 10
 *
 * `[ogygia]` and its tables are strict (a misspelt key is an error naming it);
 * other top-level tables are left to the tools that own them.
 */
export const statusConfigSchema = z.object({
  ogygia: z
    .strictObject({
      domain: z.string().optional(),
      etcd: etcdSection.optional(),
      zookeeper: zookeeperSection.optional(),
      reconciler: z.strictObject({ url: httpUrl, timeout_seconds: seconds.default(10) }).optional(),
    })
    .default({}),
});

export type StatusConfig = z.output<typeof statusConfigSchema>;

/** The config file `ogygia status` and `ogygia report` read: OGYGIA_CONFIG, else the current system's, under OGYGIA_ROOT. */
export function statusConfigPath(env: NodeJS.ProcessEnv, root: string): string {
  const fromEnv = env.OGYGIA_CONFIG;
  return fromEnv && fromEnv.length > 0 ? fromEnv : underRoot(root, DEFAULT_STATUS_CONFIG);
}

/** Read and validate the status config; undefined when the file does not exist, ConfigError when it is wrong. */
export async function loadStatusConfig(file: string): Promise<StatusConfig | undefined> {
  try {
    await access(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    // There but out of reach (a directory on the way this user may not enter): loadConfigFile says so.
  }
  return loadConfigFile(file, statusConfigSchema);
}

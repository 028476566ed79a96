import { loadConfigFile } from '../../core/config-file.js';
import { statusConfigSchema } from '../../status/config.js';
import { type StatusDeps, collectStatus, defaultStatusDeps } from '../../status/collect.js';
import { type CommandIO, processIO } from '../io.js';

export interface StatusOptions {
  json?: boolean;
  wide?: boolean;
  checkConfig?: string;
}

/** Validate a status config.toml without reading any store (the NixOS module runs this at build time). */
export async function checkStatusConfig(file: string, io: CommandIO = processIO): Promise<number> {
  const cfg = await loadConfigFile(file, statusConfigSchema);
  const store = cfg.ogygia?.etcd ? 'etcd' : cfg.ogygia?.zookeeper?.enable ? 'ZooKeeper' : cfg.ogygia?.reconciler ? 'the reconciler' : 'no fleet store';
  io.out(`status: ${file} is valid (fleet from ${store})`);
  return 0;
}

/**
 * Show which revision every host runs (⚡ current, 🥾 booted, 🔜 next boot):
 * this host from its filesystem, the fleet from etcd, ZooKeeper or the
 * reconciler. A fleet that cannot be read falls back to local data (exit 0).
 */
export async function status(opts: StatusOptions, io: CommandIO = processIO, deps: StatusDeps = defaultStatusDeps): Promise<number> {
  if (opts.checkConfig !== undefined) return checkStatusConfig(opts.checkConfig, io);
  // The table's code (string widths, columns) loads while the fleet store answers.
  const [report, { renderStatusText, statusJson }] = await Promise.all([collectStatus(deps), import('../../status/render-report.js')]);
  if (opts.json) {
    if (report.notice) io.err(report.notice);
    io.out(JSON.stringify(statusJson(report), null, 2));
  } else {
    io.out(renderStatusText(report, { wide: opts.wide ?? false }).join('\n'));
  }
  return 0;
}

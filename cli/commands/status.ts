import type { Command } from 'commander';
import { type StatusDeps, collectStatus, defaultStatusDeps } from '../../core/status/collect.js';
import { renderStatusText, statusJson } from '../../core/status/render-report.js';
import { type CommandIO, processIO } from '../io.js';
import type { SetExit } from '../registry.js';

export interface StatusOptions {
  json?: boolean;
  wide?: boolean;
}

/**
 * Show which revision every host runs (⚡ current, 🥾 booted, 🔜 next boot):
 * this host from its filesystem, the fleet from etcd, ZooKeeper or the
 * reconciler. A fleet that cannot be read falls back to local data (exit 0).
 */
export async function status(opts: StatusOptions, io: CommandIO = processIO, deps: StatusDeps = defaultStatusDeps): Promise<number> {
  const report = await collectStatus(deps);
  if (opts.json) {
    if (report.notice) io.err(report.notice);
    io.out(JSON.stringify(statusJson(report), null, 2));
  } else {
    io.out(renderStatusText(report, { wide: opts.wide ?? false }).join('\n'));
  }
  return 0;
}

export function registerStatus(program: Command, setExit: SetExit): void {
  program
    .command('status')
    .description('show the current, booted and next-boot revision of this host and the fleet (etcd, ZooKeeper or the reconciler)')
    .option('--json', 'print the same data as JSON')
    .option('--wide', "add the agent's channel, revision, state and last-seen columns")
    .action(async (opts: StatusOptions) => setExit(await status(opts)));
}

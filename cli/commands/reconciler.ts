import { UsageError } from '../../core/errors/index.js';
import { loadReconcilerConfig } from '../../reconciler/config.js';
import { type CommandIO, processIO } from '../io.js';
import { runUntilSignal } from '../stop-signal.js';

export interface ReconcilerOptions {
  config?: string;
  checkConfig?: string;
}

/** `ogygia reconciler --config FILE` runs until SIGTERM/SIGINT; `--check-config FILE` validates and exits. */
export async function reconciler(opts: ReconcilerOptions, io: CommandIO = processIO): Promise<number> {
  if (opts.checkConfig !== undefined) {
    const cfg = await loadReconcilerConfig(opts.checkConfig);
    io.out(`reconciler: ${opts.checkConfig} is valid (source ${cfg.file.source}, branch ${cfg.file.branch}, listen ${cfg.file.listen})`);
    return 0;
  }
  if (opts.config === undefined) throw new UsageError({ reason: 'no-config', command: 'reconciler' });
  const cfg = await loadReconcilerConfig(opts.config);
  // Loaded on use, so other commands never load fastify, the mirror or the metrics.
  return runUntilSignal(io, 'reconciler', async () => {
    const { startReconciler } = await import('../../reconciler/main.js');
    return startReconciler(cfg);
  });
}

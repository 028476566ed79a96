import { UsageError } from '../../core/errors/index.js';
import { loadIrisdConfig } from '../../irisd/config.js';
import { type CommandIO, processIO } from '../io.js';
import { runUntilSignal } from '../stop-signal.js';

export interface IrisdOptions {
  config?: string;
  checkConfig?: string;
}

/** `ogygia irisd --config FILE` runs the daemon until SIGTERM/SIGINT; `--check-config FILE` only validates. */
export async function irisd(opts: IrisdOptions, io: CommandIO = processIO): Promise<number> {
  if (opts.checkConfig) {
    await loadIrisdConfig(opts.checkConfig);
    io.out(`irisd: ${opts.checkConfig} is valid`);
    return 0;
  }
  if (!opts.config) throw new UsageError({ reason: 'no-config', command: 'irisd' });
  const cfg = await loadIrisdConfig(opts.config);
  // Loaded on use, so other commands never load fastify or the bloom filter.
  return runUntilSignal(io, 'irisd', async () => {
    const { runIrisd } = await import('../../irisd/main.js');
    return runIrisd(cfg);
  });
}

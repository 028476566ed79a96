import type { Command } from 'commander';
import { UsageError } from '../../core/errors/index.js';
import { loadIrisdConfig } from '../../irisd/config.js';
import { type CommandIO, processIO } from '../io.js';
import { stopSignal } from '../stop-signal.js';
import type { SetExit } from '../registry.js';

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
  if (!opts.config) throw new UsageError('Pass --config FILE (the irisd.toml to run with) or --check-config FILE to only validate it.');
  const cfg = await loadIrisdConfig(opts.config);
  const stopRequested = stopSignal(io, 'irisd'); // before start-up: a signal then stops it once it is up
  // Loaded on use, so other commands never load fastify or the bloom filter.
  const { runIrisd } = await import('../../irisd/main.js');
  const running = await runIrisd(cfg);
  await stopRequested;
  await running.stop();
  return 0;
}

export function registerIrisd(program: Command, setExit: SetExit): void {
  program
    .command('irisd')
    .description('run irisd, the peer-to-peer Nix binary cache (also installed as ogygia-irisd)')
    .option('--config <file>', 'irisd.toml to run with')
    .option('--check-config <file>', 'validate irisd.toml and exit without starting')
    .action(async (opts: IrisdOptions) => setExit(await irisd(opts)));
}

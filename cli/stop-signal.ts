import type { CommandIO } from './io.js';

/**
 * For daemons: resolve on the first SIGTERM or SIGINT, logging
 * `<component>: <signal> received, stopping`. Call it before starting the
 * daemon, so a signal during start-up stops it once it is up instead of
 * killing it half-way.
 */
export function stopSignal(io: CommandIO, component: string): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (sig: NodeJS.Signals): void => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      io.err(`${component}: ${sig} received, stopping`);
      resolve(sig);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

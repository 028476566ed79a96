import type { CommandIO } from './io.js';

/** How long a daemon may take to stop after SIGTERM/SIGINT before it exits regardless. */
export const STOP_GRACE_MS = 10_000;

export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Run a daemon until SIGTERM or SIGINT, then stop it within `graceMs`.
 *
 * The handlers are installed before `start`, so a signal during start-up
 * stops the daemon once it is up instead of killing it half-way. After the
 * first signal (`<component>: SIGTERM received, stopping`) the daemon's own
 * `stop` runs; it gets `graceMs`, and a second signal ends the wait at once.
 * Returns the exit status: 0 when `stop` finished, 1 when it did not (the
 * caller exits anyway, so a wedged stop can never outlive its service manager's
 * patience or leave a half-stopped process behind).
 */
export async function runUntilSignal(io: CommandIO, component: string, start: () => Promise<Stoppable>, graceMs = STOP_GRACE_MS): Promise<number> {
  let signals = 0;
  let onFirst: (() => void) | undefined;
  let onSecond: (() => void) | undefined;
  const first = new Promise<void>((resolve) => (onFirst = resolve));
  const second = new Promise<'forced'>((resolve) => (onSecond = () => resolve('forced')));
  const onSignal = (sig: NodeJS.Signals): void => {
    signals += 1;
    if (signals === 1) {
      io.err(`${component}: ${sig} received, stopping`);
      onFirst?.();
    } else {
      io.err(`${component}: ${sig} received again, exiting without waiting for the stop to finish`);
      onSecond?.();
    }
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    const running = await start();
    await first;
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
    const outcome = await Promise.race([running.stop().then(() => 'stopped' as const), late, second]);
    clearTimeout(timer);
    if (outcome === 'late') {
      io.err(`${component}: did not stop within ${Math.round(graceMs / 1000)} s; exiting without waiting further (check the log above for the step that hung)`);
      return 1;
    }
    if (outcome === 'forced') return 1;
    io.err(`${component}: stopped in ${Date.now() - started} ms`);
    return 0;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

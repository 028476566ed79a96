/** Where a command writes: injected so tests can capture output without spawning. */
export interface CommandIO {
  out(text: string): void; // stdout, a line at a time (newline added)
  err(text: string): void; // stderr
}

/** Sets the exit status the entry point returns once the command's promise settles. */
export type SetExit = (code: number) => void;

export const processIO: CommandIO = {
  out: (t) => process.stdout.write(t + '\n'),
  err: (t) => process.stderr.write(t + '\n'),
};

/**
 * Resolve once everything written to stdout so far has been handed to the OS.
 * Writes to a pipe are asynchronous in Node, and the entry point's
 * process.exit would otherwise cut long output (a 10,000-host table) short.
 */
export function flushStdout(): Promise<void> {
  return new Promise((resolve) => process.stdout.write('', () => resolve()));
}

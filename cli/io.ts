/** Where a command writes: injected so tests can capture output without spawning. */
export interface CommandIO {
  out(text: string): void; // stdout, a line at a time (newline added)
  err(text: string): void; // stderr
}

export const processIO: CommandIO = {
  out: (t) => process.stdout.write(t + '\n'),
  err: (t) => process.stderr.write(t + '\n'),
};

/** A command's outcome: the exit status the entry point will use. */
export type ExitStatus = number;

import { execa } from 'execa';

/** The outcome of one program run by the agent. */
export interface RunResult {
  readonly exitCode: number | undefined;
  readonly timedOut: boolean;
  /** The last few KiB of interleaved stdout and stderr. */
  readonly outputTail: string;
  readonly ms: number;
}

export const TAIL_BYTES = 4096;

/**
 * Run a program from an argv array (never a shell string), in its own process
 * group, keeping only the tail of its output. On timeout the whole group gets
 * SIGTERM, then SIGKILL 5 s later, so a stalled download or a hung health
 * check can never hang the agent.
 */
export async function runProgram(
  file: string,
  args: readonly string[],
  opts: { timeoutMs: number; env?: NodeJS.ProcessEnv; killGraceMs?: number },
): Promise<RunResult> {
  const started = Date.now();
  const child = execa(file, [...args], {
    env: opts.env ?? process.env,
    extendEnv: false,
    stdin: 'ignore',
    all: true,
    buffer: false,
    reject: false,
    detached: true,
    cleanup: false,
  });
  let tail = '';
  child.all?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES);
  });
  let timedOut = false;
  const killGroup = (sig: NodeJS.Signals): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      /* already gone */
    }
  };
  let hard: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup('SIGTERM');
    hard = setTimeout(() => killGroup('SIGKILL'), opts.killGraceMs ?? 5000);
  }, opts.timeoutMs);
  const r = await child;
  clearTimeout(timer);
  if (hard) clearTimeout(hard);
  const spawnFailed = r.failed && r.exitCode === undefined && !r.signal;
  if (spawnFailed && !timedOut) tail = (tail + `\n${r.shortMessage ?? r.message ?? ''}`).slice(-TAIL_BYTES);
  return { exitCode: r.exitCode, timedOut, outputTail: tail.trimEnd(), ms: Date.now() - started };
}

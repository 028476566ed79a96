import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';

/** The outcome of one program run by the agent. */
export interface RunResult {
  /** The main process's own exit status; undefined when it was killed by a signal or could not start. */
  readonly exitCode: number | undefined;
  readonly timedOut: boolean;
  /** The last few KiB of interleaved stdout and stderr. */
  readonly outputTail: string;
  readonly ms: number;
}

export interface RunOptions {
  readonly timeoutMs: number;
  readonly env?: NodeJS.ProcessEnv;
  /** After SIGTERM (on timeout, or to sweep leftovers), how long before SIGKILL. Default 5 s. */
  readonly killGraceMs?: number;
  /** After the main process exits, how long its output is still read (a child may hold the pipe open). Default 250 ms. */
  readonly drainMs?: number;
  /**
   * Where systemd runs the machine: run the program in a transient scope
   * (`systemd-run --scope`), so whatever it leaves behind — even a process
   * that cleared its environment and left the group — is in one cgroup that is
   * killed when the step ends.
   */
  readonly systemdScope?: boolean;
}

/** The argv that runs `file args` in the transient scope `unit` (pure; see RunOptions.systemdScope). */
export function inScope(unit: string, file: string, args: readonly string[]): [string, string[]] {
  return ['systemd-run', ['--scope', '--quiet', '--collect', `--unit=${unit}`, '--', file, ...args]];
}

export const TAIL_BYTES = 4096;

/** The environment variable that marks every process a step starts, so leftovers can be found even after they escape the group. */
export const STEP_MARKER = 'OGYGIA_STEP';

/**
 * Run a program from an argv array (never a shell string) and judge it by
 * the main process's own exit, not by its pipes: output is read until it
 * exits plus `drainMs`, so a background child that keeps stdout open (`sleep
 * 6 & echo ok`) neither delays nor fails the step.
 *
 * The program runs in its own process group with `OGYGIA_STEP=<random id>`
 * in its environment. When it ends — or on timeout, when it gets SIGTERM and
 * then SIGKILL after `killGraceMs` — every process left in its group and
 * every process carrying its marker (one that escaped with `setsid` or a
 * double fork) is stopped the same way. The deadline always holds: after the
 * kill the result is returned even if a process could not be reaped.
 */
export async function runProgram(file: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const marker = randomUUID();
  const grace = opts.killGraceMs ?? 5000;
  const drain = opts.drainMs ?? 250;
  let tail = '';
  const keep = (chunk: Buffer | string): void => {
    tail = (tail + chunk.toString()).slice(-TAIL_BYTES);
  };
  const unit = `ogygia-step-${marker.slice(0, 8)}`;
  const [program, argv] = opts.systemdScope ? inScope(unit, file, args) : [file, [...args]];
  const child = spawn(program, argv, {
    env: { ...(opts.env ?? process.env), [STEP_MARKER]: marker },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const streamsEnded = Promise.all([new Promise((r) => child.stdout.once('close', r)), new Promise((r) => child.stderr.once('close', r))]);

  type Exit = { kind: 'exit'; code: number | null } | { kind: 'error'; error: Error } | { kind: 'timeout' };
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code) => resolve({ kind: 'exit', code }));
    child.once('error', (error) => resolve({ kind: 'error', error }));
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Exit>((resolve) => (timer = setTimeout(() => resolve({ kind: 'timeout' }), opts.timeoutMs)));
  let outcome = await Promise.race([exited, deadline]);
  clearTimeout(timer);

  const pgid = child.pid;
  let timedOut = false;
  if (outcome.kind === 'timeout') {
    timedOut = true;
    await stopTree(pgid, marker, grace);
    // The group was SIGKILLed; give the kernel a moment to deliver the exit, but never wait for ever.
    outcome = await Promise.race([exited, sleep(1000).then((): Exit => ({ kind: 'timeout' }))]);
  }
  await Promise.race([streamsEnded, sleep(drain)]);
  child.stdout.destroy();
  child.stderr.destroy();
  if (!timedOut) await stopTree(pgid, marker, Math.min(grace, 1000));
  if (opts.systemdScope) await killScope(unit);

  if (outcome.kind === 'error') keep(`\n${file}: ${outcome.error.message}`);
  const exitCode = outcome.kind === 'exit' && outcome.code !== null ? outcome.code : undefined;
  return { exitCode: timedOut ? undefined : exitCode, timedOut, outputTail: tail.trimEnd(), ms: Date.now() - started };
}

/**
 * Stop whatever is left of a step: the live processes of its group and every
 * live process that carries its marker. SIGTERM first; whatever is still
 * there after `graceMs` gets SIGKILL. Returns at once when nothing is left.
 */
export async function stopTree(pgid: number | undefined, marker: string, graceMs: number): Promise<void> {
  let left = await stepProcesses(pgid, marker);
  if (left.length === 0) {
    // A process in the middle of execve shows an empty environment for a moment: look once more before calling it done.
    await sleep(50);
    left = await stepProcesses(pgid, marker);
    if (left.length === 0) return;
  }
  signal(left, 'SIGTERM');
  const until = Date.now() + graceMs;
  while (Date.now() < until) {
    await sleep(50);
    left = await stepProcesses(pgid, marker);
    if (left.length === 0) return;
  }
  signal(left, 'SIGKILL');
}

function signal(pids: readonly number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // It ended between the scan and the signal.
    }
  }
}

/** Live processes started by the step with this marker (see stepProcesses). */
export function markedProcesses(marker: string): Promise<number[]> {
  return stepProcesses(undefined, marker);
}

/**
 * PIDs of the live (not zombie) processes that belong to a step: those in its
 * process group, and those whose environment holds `OGYGIA_STEP=<marker>`
 * (read from /proc; unreadable ones are skipped).
 */
async function stepProcesses(pgid: number | undefined, marker: string): Promise<number[]> {
  const needle = Buffer.from(`\0${STEP_MARKER}=${marker}\0`);
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return []; // no procfs: nothing more to find
  }
  const out: number[] = [];
  await Promise.all(
    entries.map(async (name) => {
      if (!/^\d+$/.test(name) || Number(name) === process.pid) return;
      try {
        // "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses, so split after the last ')'.
        const stat = await readFile(`/proc/${name}/stat`, 'utf8');
        const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (state === 'Z') return; // ended; it only waits for its parent to reap it
        if (pgid !== undefined && Number(pgrp) === pgid) {
          out.push(Number(name));
          return;
        }
        const env = Buffer.concat([Buffer.from([0]), await readFile(`/proc/${name}/environ`)]);
        if (env.includes(needle)) out.push(Number(name));
      } catch {
        // Gone, or not ours to read.
      }
    }),
  );
  return out;
}

/** Kill whatever is left in a step's scope; a scope that is already gone (the usual case) is fine. */
async function killScope(unit: string): Promise<void> {
  await new Promise<void>((resolve) => {
    const p = spawn('systemctl', ['kill', '--signal=SIGKILL', `${unit}.scope`], { stdio: 'ignore' });
    p.once('exit', () => resolve());
    p.once('error', () => resolve());
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

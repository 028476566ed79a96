import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';

/** A program a test started; `stop` ends it (and its process group) by PID and waits for it. */
export interface Started {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Send `signal` to the process group; SIGKILL it if it is still there after `killAfterMs` (default 15 s, past the daemons' own 10 s stop grace). */
  stop(signal?: NodeJS.Signals, killAfterMs?: number): Promise<void>;
}

/**
 * Start a program in its own process group with output to a log file, so
 * `stop` can end it and everything it started, by PID, and nothing outlives
 * the test.
 */
export function startProcess(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; log: string }): Started {
  const fd = openSync(opts.log, 'a');
  const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', fd, fd], detached: true });
  if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', () => resolve());
  });
  return {
    pid,
    child,
    async stop(signal: NodeJS.Signals = 'SIGTERM', killAfterMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-pid, signal);
      } catch {
        /* already gone */
      }
      const killTimer = setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, killAfterMs);
      await exited;
      clearTimeout(killTimer);
    },
  };
}

/** Throws with the exact install command when a program the tests need is missing (never a silent skip). */
export async function requireProgram(program: string, debianPackage: string): Promise<string> {
  const { execa } = await import('execa');
  const r = await execa('sh', ['-c', 'command -v "$1"', 'sh', program], { reject: false });
  const path = String(r.stdout).trim();
  if (r.exitCode !== 0 || !path) {
    throw new Error(`${program} is not installed; run: apt-get install -y ${debianPackage} (bash .ci/run installs it)`);
  }
  return path;
}

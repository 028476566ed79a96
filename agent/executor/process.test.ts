import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inScope, markedProcesses, runProgram } from './process.js';

// The agent's steps run real programs; these run /bin/sh for real and check
// what the issue measured: a step is judged by its own exit, and nothing it
// started outlives it, not even a child that escaped with setsid.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ogygia-process-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Whether a process still runs (a zombie waiting for init to reap it has ended). */
async function alive(pid: number): Promise<boolean> {
  try {
    return !/^\d+ \(.*\) Z /s.test(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function pidFrom(file: string): Promise<number> {
  return Number((await readFile(file, 'utf8')).trim());
}

describe('runProgram', () => {
  it('returns the exit status and the output', async () => {
    const r = await runProgram('/bin/sh', ['-c', 'echo starting; echo "error: boom" >&2; exit 4'], { timeoutMs: 10_000 });
    expect(r).toMatchObject({ exitCode: 4, timedOut: false });
    expect(r.outputTail).toContain('starting');
    expect(r.outputTail).toContain('error: boom');
  });

  it('judges by the main process: a background child holding stdout is not a timeout, and is stopped', async () => {
    const pidFile = join(dir, 'bg.pid');
    const r = await runProgram('/bin/sh', ['-c', `sleep 30 & echo $! > ${pidFile}; echo healthy; exit 0`], { timeoutMs: 5_000 });
    expect(r).toMatchObject({ exitCode: 0, timedOut: false });
    expect(r.outputTail).toBe('healthy');
    expect(await alive(await pidFrom(pidFile))).toBe(false);
  });

  it('stops a child that escaped the process group with setsid', async () => {
    const pidFile = join(dir, 'escaped.pid');
    const r = await runProgram('/bin/sh', ['-c', `setsid sleep 30 > /dev/null 2>&1 & echo $! > ${pidFile}; exit 0`], { timeoutMs: 5_000 });
    expect(r).toMatchObject({ exitCode: 0, timedOut: false });
    expect(await alive(await pidFrom(pidFile))).toBe(false);
  });

  it('times out a hung step and stops its whole tree, escaped children included', async () => {
    const pidFile = join(dir, 'hung.pid');
    const r = await runProgram('/bin/sh', ['-c', `setsid sleep 30 > /dev/null 2>&1 & echo $! > ${pidFile}; echo waiting; sleep 30`], {
      timeoutMs: 500,
      killGraceMs: 500,
    });
    expect(r).toMatchObject({ exitCode: undefined, timedOut: true });
    expect(r.outputTail).toBe('waiting');
    expect(await alive(await pidFrom(pidFile))).toBe(false);
  });

  it('kills a step that ignores SIGTERM', async () => {
    const r = await runProgram('/bin/sh', ['-c', "trap '' TERM; echo stubborn; while :; do sleep 0.1; done"], { timeoutMs: 300, killGraceMs: 300 });
    expect(r).toMatchObject({ exitCode: undefined, timedOut: true });
  });

  it('reports a program that cannot start', async () => {
    const r = await runProgram(join(dir, 'no-such-program'), [], { timeoutMs: 5_000 });
    expect(r.exitCode).toBeUndefined();
    expect(r.timedOut).toBe(false);
    expect(r.outputTail).toContain('ENOENT');
  });

  it('finds processes by their marker only', async () => {
    expect(await markedProcesses('not-a-marker-of-anything')).toEqual([]);
  });
});

describe('inScope', () => {
  it('wraps the argv in a transient systemd scope without a shell', () => {
    expect(inScope('ogygia-step-1234abcd', '/bin/sh', ['-c', 'systemctl is-system-running --wait'])).toEqual([
      'systemd-run',
      ['--scope', '--quiet', '--collect', '--unit=ogygia-step-1234abcd', '--', '/bin/sh', '-c', 'systemctl is-system-running --wait'],
    ]);
  });
});

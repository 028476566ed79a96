import { mkdir, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BOOTED_SYSTEM, underRoot } from '../../core/paths.js';
import { RebootCommandError } from '../../core/errors/index.js';
import { causeLine } from '../executor/cause-line.js';
import { runProgram } from '../executor/process.js';
import { BOOT_FILES, rebootReasons, type BootFile, type BootSet } from './needed.js';

/**
 * The reboot's side of the machine (DESIGN.md §13), every path under
 * OGYGIA_ROOT: the boot links of a system, what /run/booted-system is, the
 * marker that says "a reboot was asked for", and the reboot command.
 *
 * The marker lives in /run, a tmpfs that every boot empties: when the agent
 * starts in phase `rebooting` and finds it still there, the machine did not
 * reboot (the agent stopped before the command ran, or the command did not
 * take the host down) and it waits for the reboot again instead of judging
 * a boot that never happened.
 */
export const REBOOT_MARKER = '/run/ogygia-agent/reboot-requested';

export interface RebootSystem {
  /** The boot links that differ between the booted system and `storePath` (empty: no reboot needed, or no booted system). */
  reasons(storePath: string): Promise<BootFile[]>;
  /** Where /run/booted-system resolves; null when it is absent. */
  bootedSystem(): Promise<string | null>;
  markerPresent(): Promise<boolean>;
  writeMarker(): Promise<void>;
  clearMarker(): Promise<void>;
  /** Run `[reboot] command`; throws RebootCommandError when it exits non-zero, by a signal, or runs past its timeout. */
  run(): Promise<void>;
}

async function resolved(path: string): Promise<string | null> {
  try {
    return await realpath(path);
  } catch {
    return null;
  }
}

/** Where each boot link of a system (a store path, or a link to one) resolves. */
export async function readBootSet(system: string): Promise<BootSet> {
  const [kernel, initrd, modules] = await Promise.all(BOOT_FILES.map((f) => resolved(join(system, f))));
  return { kernel: kernel!, initrd: initrd!, 'kernel-modules': modules! };
}

export function createRebootSystem(opts: {
  readonly root: string;
  readonly command: string;
  readonly timeoutMs: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly systemdScope?: boolean;
}): RebootSystem {
  const booted = underRoot(opts.root, BOOTED_SYSTEM);
  const marker = underRoot(opts.root, REBOOT_MARKER);
  const env: NodeJS.ProcessEnv = { ...(opts.env ?? process.env), OGYGIA_ROOT: opts.root };
  return {
    async reasons(storePath) {
      const b = await resolved(booted);
      return rebootReasons(b === null ? undefined : await readBootSet(b), await readBootSet(storePath));
    },
    bootedSystem: () => resolved(booted),
    async markerPresent() {
      try {
        await stat(marker);
        return true;
      } catch {
        return false;
      }
    },
    async writeMarker() {
      await mkdir(dirname(marker), { recursive: true, mode: 0o700 });
      await writeFile(marker, `${new Date().toISOString()}\n`, { mode: 0o600 });
    },
    async clearMarker() {
      await rm(marker, { force: true });
    },
    async run() {
      // Operator configuration, like the health command: /bin/sh -c, never data from a release.
      const r = await runProgram('/bin/sh', ['-c', opts.command], { timeoutMs: opts.timeoutMs, env, killGraceMs: 2000, systemdScope: opts.systemdScope === true });
      if (r.timedOut) {
        throw new RebootCommandError({ command: opts.command, exitCode: null, cause: `still running after ${opts.timeoutMs / 1000} s, stopped`, outputTail: r.outputTail.slice(-2048) });
      }
      if (r.exitCode !== 0) {
        throw new RebootCommandError({ command: opts.command, exitCode: r.exitCode ?? null, cause: causeLine(r.outputTail) ?? null, outputTail: r.outputTail.slice(-2048) });
      }
    },
  };
}

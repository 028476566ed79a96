import { existsSync } from 'node:fs';
import { lstat, mkdir, readFile, realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { NixCopyError, ProfileError, StepTimeoutError, SwitchError, type NixCopyAttempt, type TimedStep } from '../../core/errors/index.js';
import { underRoot } from '../../core/paths.js';
import { isStorePath } from '../../core/store-path.js';
import type { Logger } from '../../core/log.js';
import { causeLine } from './cause-line.js';
import { runProgram, type RunResult } from './process.js';
import type { Executor } from './types.js';

export interface NixExecutorOptions {
  /** OGYGIA_ROOT: the profile and the switch's view of /run resolve under it. */
  readonly root: string;
  /** The profile as configured (absolute, resolved under `root`). */
  readonly profile: string;
  readonly action: 'switch' | 'boot' | 'test';
  readonly copyTimeoutMs: number;
  readonly stalledDownloadTimeoutSeconds: number;
  readonly profileTimeoutMs: number;
  readonly switchTimeoutMs: number;
  readonly systemdRun: 'auto' | 'always' | 'never';
  /** Where the detached switch writes its output (read back for the report's tail). */
  readonly logDir: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly log: Logger;
}

/** Whether systemd runs this machine (sd_booted(3): /run/systemd/system exists). */
export function systemdRunning(): boolean {
  return existsSync('/run/systemd/system');
}

function tailOf(r: RunResult): string {
  return r.outputTail.slice(-2048);
}

/** Whether the agent's steps run in transient systemd units: `always`, or `auto` when systemd runs this machine and the root is `/`. */
export function useSystemdUnits(setting: 'auto' | 'always' | 'never', root: string): boolean {
  return setting === 'always' || (setting === 'auto' && root === '/' && systemdRunning());
}

/**
 * The store path a system profile points to, or null when there is no profile
 * (yet). A profile that is there but cannot be followed to a store path
 * (unreadable, a symlink loop, a dangling link, a target outside /nix/store) is
 * a ProfileError: a rollback needs to know where it goes, so guessing "none"
 * would leave a failed apply with nothing to go back to.
 */
export async function readProfileTarget(profile: string): Promise<string | null> {
  const errno = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  try {
    await lstat(profile);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ProfileError({ step: 'read', profile, errno: errno(e) });
  }
  let target: string;
  try {
    target = await realpath(profile);
  } catch (e) {
    // ENOENT here is a dangling link (lstat found the link itself), ELOOP a symlink loop.
    throw new ProfileError({ step: 'read', profile, errno: errno(e) });
  }
  const top = storePathPrefix(target);
  if (top === undefined) throw new ProfileError({ step: 'read', profile, target });
  return top;
}

/** Pure: the store path a resolved path lies in (`/nix/store/<hash>-<name>` or below it), or undefined. */
export function storePathPrefix(resolved: string): string | undefined {
  const m = /^\/nix\/store\/[^/]+/.exec(resolved);
  return m && isStorePath(m[0]) ? m[0] : undefined;
}

/** The real executor: the only code in the agent that runs Nix. Store paths reach programs only as argv entries. */
export function createNixExecutor(o: NixExecutorOptions): Executor {
  const profile = underRoot(o.root, o.profile);
  // Where systemd runs this machine, each step runs in a transient unit: a scope (copy, profile) or a service (switch).
  const useSystemd = useSystemdUnits(o.systemdRun, o.root);
  const env: NodeJS.ProcessEnv = { ...(o.env ?? process.env) };
  if (o.root !== '/') env.OGYGIA_ROOT = o.root;

  function timeout(step: TimedStep, storePath: string, r: RunResult, limitMs: number): StepTimeoutError {
    return new StepTimeoutError({ step, storePath, limitSeconds: limitMs / 1000, cause: causeLine(r.outputTail) ?? null, outputTail: tailOf(r) });
  }

  return {
    profileTarget: () => readProfileTarget(profile),

    async copy(storePath, substituters) {
      let ms = 0;
      if (substituters.length === 0) {
        const r = await runProgram('nix-store', ['--check-validity', '--', storePath], { timeoutMs: 30_000, env, systemdScope: useSystemd });
        ms += r.ms;
        if (r.exitCode === 0) return ms;
        throw new NixCopyError({ reason: 'no-substituter', storePath, cause: causeLine(r.outputTail) ?? null, outputTail: tailOf(r) });
      }
      const attempts: NixCopyAttempt[] = [];
      let last: RunResult | undefined;
      for (const sub of substituters) {
        const args = [
          'copy',
          '--from', sub,
          '--option', 'stalled-download-timeout', String(Math.ceil(o.stalledDownloadTimeoutSeconds)),
          '--option', 'connect-timeout', '15',
          '--',
          storePath,
        ];
        o.log.info(`copying ${storePath} from ${sub}`);
        const r = await runProgram('nix', args, { timeoutMs: o.copyTimeoutMs, env, systemdScope: useSystemd });
        ms += r.ms;
        last = r;
        if (r.timedOut) throw timeout('nix copy', storePath, r, o.copyTimeoutMs);
        if (r.exitCode === 0) return ms;
        attempts.push({ substituter: sub, exitCode: r.exitCode ?? null, cause: causeLine(r.outputTail) ?? null });
      }
      throw new NixCopyError({
        reason: 'copy-failed',
        storePath,
        attempts,
        cause: last ? (causeLine(last.outputTail) ?? null) : null,
        outputTail: last ? tailOf(last) : '',
      });
    },

    async setProfile(storePath) {
      // A new root (a fresh install, a test root) has no profiles directory yet; nix-env does not create it.
      try {
        await mkdir(dirname(profile), { recursive: true });
      } catch (e) {
        throw new ProfileError({ step: 'mkdir', profile, storePath, cause: (e as Error).message });
      }
      const r = await runProgram('nix-env', ['-p', profile, '--set', storePath], { timeoutMs: o.profileTimeoutMs, env, systemdScope: useSystemd });
      if (r.timedOut) throw timeout('nix-env --set', storePath, r, o.profileTimeoutMs);
      if (r.exitCode !== 0) {
        throw new ProfileError({ step: 'set', profile, storePath, exitCode: r.exitCode ?? null, cause: causeLine(r.outputTail) ?? null, outputTail: tailOf(r) });
      }
      return r.ms;
    },

    async switchTo(storePath) {
      const program = join(storePath, 'bin', 'switch-to-configuration');
      let r: RunResult;
      if (useSystemd) {
        // A transient unit outlives this agent if the switch restarts ogygia-agent.service itself.
        const logFile = join(o.logDir, 'switch.log');
        const args = [
          `--unit=ogygia-switch-${Date.now()}`,
          '--wait', '--collect', '--quiet', '--no-ask-password', '--service-type=exec',
          `--property=StandardOutput=append:${logFile}`,
          `--property=StandardError=append:${logFile}`,
          '--setenv=LOCALE_ARCHIVE', '--setenv=NIXOS_INSTALL_BOOTLOADER',
          '--',
          program,
          o.action,
        ];
        r = await runProgram('systemd-run', args, { timeoutMs: o.switchTimeoutMs, env });
        try {
          r = { ...r, outputTail: (await readFile(logFile, 'utf8')).slice(-4096) };
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') o.log.warn(`cannot read the switch's output in ${logFile}: ${(e as Error).message}`);
        }
      } else {
        // Own process group (detached): a stop of the agent's group does not take the switch with it.
        r = await runProgram(program, [o.action], { timeoutMs: o.switchTimeoutMs, env });
      }
      if (r.timedOut) throw timeout(`switch-to-configuration ${o.action}`, storePath, r, o.switchTimeoutMs);
      if (r.exitCode !== 0) {
        throw new SwitchError({ storePath, action: o.action, exitCode: r.exitCode ?? null, cause: causeLine(r.outputTail) ?? null, outputTail: tailOf(r) });
      }
      return r.ms;
    },
  };
}

import { HealthCheckError, StepTimeoutError } from '../core/errors/index.js';
import { causeLine } from './executor/cause-line.js';
import { runProgram } from './executor/process.js';

/** Runs the operator's health command after a switch; `undefined` command means "no check". */
export interface HealthCheck {
  readonly command: string | undefined;
  run(): Promise<number>;
}

/** The default when the config names none: systemd's own verdict, where systemd runs the machine. */
export function defaultHealthCommand(systemd: boolean): string | undefined {
  return systemd ? 'systemctl is-system-running --wait' : undefined;
}

/** The command runs with `/bin/sh -c` (it is operator configuration, not data); OGYGIA_ROOT is passed on. */
export function createHealthCheck(
  command: string | undefined,
  opts: { timeoutMs: number; root: string; env?: NodeJS.ProcessEnv; systemdScope?: boolean },
): HealthCheck {
  const env: NodeJS.ProcessEnv = { ...(opts.env ?? process.env), OGYGIA_ROOT: opts.root };
  return {
    command,
    async run() {
      if (command === undefined) return 0;
      const r = await runProgram('/bin/sh', ['-c', command], { timeoutMs: opts.timeoutMs, env, killGraceMs: 2000, systemdScope: opts.systemdScope === true });
      if (r.timedOut) {
        throw new StepTimeoutError({
          step: 'health',
          command,
          limitSeconds: opts.timeoutMs / 1000,
          cause: causeLine(r.outputTail) ?? null,
          outputTail: r.outputTail.slice(-2048),
        });
      }
      if (r.exitCode !== 0) {
        throw new HealthCheckError({ command, exitCode: r.exitCode ?? null, cause: causeLine(r.outputTail) ?? null, outputTail: r.outputTail.slice(-2048) });
      }
      return r.ms;
    },
  };
}

import { parseAgentConfig, loadAgentConfig } from '../../agent/config.js';
import type { PollOutcome } from '../../agent/manager.js';
import { ConfigError, UsageError } from '../../core/errors/index.js';
import { type CommandIO, processIO } from '../io.js';

/**
 * Exit status of `ogygia agent --once` (docs/agent.md): what the one poll did.
 * 0 nothing to do, 10 applied, 11 would apply (--dry-run), 12 applied and
 * waiting for a reboot, 13 the reboot command ran, 20 refused, 30 rolled back,
 * 31 failed (nothing applied, the rollback failed, or the reboot command
 * failed), 32 boot failed, 40 source unavailable.
 */
export const ONCE_EXIT: Readonly<Record<PollOutcome, number>> = {
  unchanged: 0,
  'up-to-date': 0,
  quarantined: 0,
  applied: 10,
  'would-apply': 11,
  'reboot-required': 12,
  rebooting: 13,
  'boot-failed': 32,
  refused: 20,
  'rolled-back': 30,
  failed: 31,
  'source-unavailable': 40,
};

export interface AgentCommandOptions {
  config?: string;
  checkConfig?: string;
  once?: boolean;
  dryRun?: boolean;
}

export async function agent(opts: AgentCommandOptions, io: CommandIO = processIO): Promise<number> {
  if (opts.checkConfig !== undefined) {
    const { readFile } = await import('node:fs/promises');
    let text: string;
    try {
      text = await readFile(opts.checkConfig, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw code === 'ENOENT'
        ? new ConfigError({ reason: 'missing', file: opts.checkConfig })
        : new ConfigError({ reason: 'unreadable', file: opts.checkConfig, cause: code ?? (e as Error).message });
    }
    const r = parseAgentConfig(text, opts.checkConfig);
    if (r.errors.length > 0) {
      throw new ConfigError({ reason: 'invalid', file: opts.checkConfig, problems: r.errors });
    }
    io.out(`${opts.checkConfig}: ok`);
    return 0;
  }
  if (opts.config === undefined) throw new UsageError({ reason: 'no-config', command: 'agent' });
  const config = await loadAgentConfig(opts.config);
  const ac = new AbortController();
  const stop = (): void => ac.abort();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    const { runAgent } = await import('../../agent/main.js');
    const r = await runAgent(config, {
      once: opts.once === true,
      dryRun: opts.dryRun === true,
      signal: ac.signal,
    });
    if (opts.once) {
      io.out(JSON.stringify({ outcome: r.outcome, revision: r.revision ?? null, error: r.error ? { code: r.error.code, message: r.error.message } : null }));
      return ONCE_EXIT[r.outcome];
    }
    return 0;
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
  }
}

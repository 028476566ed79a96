import { Command, CommanderError } from 'commander';
// The error classes one by one, not core/errors/index.js: every command loads only the errors it uses.
import { ConfigError } from '../core/errors/ConfigError.js';
import { InternalError } from '../core/errors/InternalError.js';
import type { OgygiaError } from '../core/errors/OgygiaError.js';
import { UsageError } from '../core/errors/UsageError.js';
import { registerCommands } from './registry.js';

/**
 * The `ogygia` entry point: the only place that calls process.exit.
 * Exit status: 0 success, 1 a refusal or failure the message explains,
 * 2 wrong usage, 70 an internal error (a bug: please report it). A command
 * may document more in its --help (`agent --once`; `rollout status` exits 3
 * while a shown rollout is halted).
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('ogygia')
    .description('GitOps for fleets of NixOS machines: signed releases in git, reconciler, agents, fleet status, peer-to-peer cache.')
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });
  let status = 0;
  registerCommands(program, (code) => {
    status = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return status;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    const err = InternalError.wrap(e, `ogygia ${argv.join(' ')}`);
    return reportError(err);
  }
}

/** Print an error the way every `ogygia` command does, and the exit status it gives. */
export function reportError(e: OgygiaError): number {
  process.stderr.write(`ogygia: ${e.message} [${e.code}]\n`);
  if (e instanceof ConfigError) {
    for (const p of e.data.problems) process.stderr.write(`  ${p}\n`);
    return 1;
  }
  if (e instanceof InternalError) {
    if (e.data.stack !== undefined) process.stderr.write(`${e.data.stack}\n`);
    return 70;
  }
  return e instanceof UsageError ? 2 : 1;
}

#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { isOgygiaError } from '../core/errors/index.js';
import { ConfigError } from '../core/errors/index.js';
import { registerCommands } from './registry.js';

/**
 * The `ogygia` entry point: the only place that calls process.exit.
 * Exit status: 0 success, 1 a refusal or failure the message explains,
 * 2 wrong usage, 70 an internal error (a bug: please report it).
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
    if (e instanceof ConfigError) {
      process.stderr.write(`ogygia: ${e.message} [${e.code}]\n`);
      for (const p of (e.data.problems as string[] | undefined) ?? []) process.stderr.write(`  ${p}\n`);
      return 1;
    }
    if (isOgygiaError(e)) {
      process.stderr.write(`ogygia: ${e.message} [${e.code}]\n`);
      return e.code === 'UsageError' ? 2 : 1;
    }
    process.stderr.write(
      `ogygia: internal error: ${(e as Error)?.stack ?? String(e)}\n` +
        'This is a bug in Ogygia; please report it with the command you ran and this output.\n',
    );
    return 70;
  }
}

// Run only when this file is the program itself (`node dist/cli/main.js`), not when bin/ogygia imports it:
// otherwise every command would run twice, and the first process.exit would cut the other's output.
const isEntry = ((): boolean => {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
})();
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`ogygia: internal error: ${String(e)}\n`);
      process.exit(70);
    },
  );
}

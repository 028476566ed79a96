import type { Command } from 'commander';
import { registerKeygen } from './commands/keygen.js';
import { registerIrisd } from './commands/irisd.js';
import { registerIris } from './commands/iris.js';

/** Sets the exit status the entry point returns once the command's promise settles. */
export type SetExit = (code: number) => void;

/** Every `ogygia` subcommand, one file each under cli/commands/. Add new ones here. */
export function registerCommands(program: Command, setExit: SetExit): void {
  registerKeygen(program, setExit);
  registerIrisd(program, setExit);
  registerIris(program, setExit);
}

import { InternalError } from '../core/errors/InternalError.js';
import { flushStdout } from './io.js';
import { main, reportError } from './main.js';

/**
 * The process entry point: runs `ogygia` with the process arguments and exits
 * with its status. `bin/ogygia` and `bin/ogygia-irisd` import this file; the
 * latter sets OGYGIA_ARGV0_COMMAND=irisd to prepend its subcommand.
 */
const prefix = process.env.OGYGIA_ARGV0_COMMAND ? [process.env.OGYGIA_ARGV0_COMMAND] : [];
main([...prefix, ...process.argv.slice(2)]).then(
  // Writes to a pipe are asynchronous: let stdout drain before exiting, or long output is cut short.
  async (code) => {
    await flushStdout();
    process.exit(code);
  },
  (e: unknown) => process.exit(reportError(new InternalError({ where: 'ogygia', cause: e }))),
);

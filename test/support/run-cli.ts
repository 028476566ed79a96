// Runs the `ogygia` CLI from the TypeScript sources (no build step): `node --import tsx test/support/run-cli.ts ARGS...`.
import { main } from '../../cli/main.js';

process.exit(await main(process.argv.slice(2)));

// Runs the `ogygia` CLI from the TypeScript sources (no build step): `node --import tsx testkit/run-cli.ts ARGS...`.
// The same entry point as bin/ogygia, so output is flushed before exit exactly as in production.
import '../cli/entry.js';

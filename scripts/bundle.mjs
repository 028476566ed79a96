// Bundle the compiled CLI (dist/cli/entry.js, from `tsc`) into dist/bundle/:
// ES modules split per command, so `ogygia --help` loads only the command
// declarations and each command only its own code. `bin/ogygia` and
// `bin/ogygia-irisd` run dist/bundle/entry.js.
//
// Why: Node resolves, reads and compiles every module file on its own; the
// `ogygia status` path alone loaded ~200 files (88 error classes, zod,
// gRPC). One file per chunk cut its start-up by ~40 ms (bench/status-stores.ts).
//
// Left outside the bundle, loaded from node_modules as before:
// - etcd3 reads its .proto files next to its own code (__dirname);
// - @grpc/proto-loader and protobufjs (the full build) are required only by
//   gRPC features we do not use (channelz, ORCA); bundled, they would be
//   parsed on every etcd read for nothing. protobufjs/minimal stays external
//   with them (one package).
// - zstd-napi (irisd's optional zstd) is a native addon, loaded from its build/.
//
// A chunk is rewritten only when its bytes change, by rename: a test or
// benchmark that rebuilds while another process runs `ogygia` never lets it
// read a half-written file.
import { readFile, rename, rm, writeFile, mkdir, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(repo, 'dist/bundle');

const result = await build({
  // irisd's store scan worker is an entry of its own: a Worker is started from a file
  // (irisd/store/scanner.ts finds it beside itself, which holds here and in tsc's output).
  entryPoints: [join(repo, 'dist/cli/entry.js'), join(repo, 'dist/irisd/store/scan-worker.js')],
  entryNames: '[name]',
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  keepNames: true, // error classes and log lines keep their names
  external: ['etcd3', '@grpc/proto-loader', 'protobufjs', 'protobufjs/*', 'zstd-napi'],
  // CommonJS packages inside an ES module bundle still call require() for Node's own modules.
  banner: { js: "import { createRequire as __ogygiaCreateRequire } from 'node:module'; const require = __ogygiaCreateRequire(import.meta.url);" },
  write: false,
  logLevel: 'warning',
});

await mkdir(outdir, { recursive: true });
const written = new Set();
for (const file of result.outputFiles) {
  written.add(file.path);
  const old = await readFile(file.path).catch(() => undefined);
  if (old && Buffer.compare(old, Buffer.from(file.contents)) === 0) continue;
  const tmp = `${file.path}.${process.pid}.tmp`;
  await writeFile(tmp, file.contents);
  await rename(tmp, file.path);
}
// Chunks of an earlier build that this one no longer has (their names carry a content hash).
for (const name of await readdir(outdir)) {
  const path = join(outdir, name);
  if (!written.has(path) && name.endsWith('.js')) await rm(path, { force: true });
}

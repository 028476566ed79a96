// Benchmark: `ogygia diff` of two 2,000-path closures read from an HTTP binary
// cache, as a ratio to `nix path-info --json -r --store URL` on the same two
// closures, measured in the same run (the target: at most that time).
//
//   node --import tsx bench/closure-diff.ts [paths=2000] [runs=5]
//
// (paths counts the top-level system, its 3 boot paths and N-4 packages.)
//
// The closures are written without Nix (testkit/fake-cache.ts: building 4,000
// derivations takes minutes here) in the shape of a NixOS system: a layered
// graph ~25 deep, each path referencing up to 8 below it; the second closure
// bumps 2 % of the packages and the kernel, and every path above a bumped one
// is rebuilt (new hash, same version), as in a real update. Narinfos are
// signed with a real key and served by a Node HTTP server on loopback
// (testkit/binary-cache-http.ts, keep-alive); the top-level NARs are real.
//
// Measured, each from cold (a fresh process, no narinfo cache):
//   nix:     nix path-info --json -r --store URL topA topB   (Nix's own narinfo cache in a fresh dir)
//   ogygia:  ./bin/ogygia diff --json (reads a channels repo, both closures, both top-level NARs, diffs)
//   library: cacheSource + buildChannelReport in this process (no Node start-up, no git)
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { execa } from 'execa';
import { cacheSource } from '../core/closure-diff/cache-source.js';
import { buildChannelReport } from '../core/closure-diff/report.js';
import { computeImpact } from '../core/closure-diff/transitions.js';
import { formatPublicKey, generateSecretKey } from '../core/keys.js';
import type { Release } from '../core/release.js';
import { testKeyFile, testPublicKey } from '../testkit/keys.js';
import { serveBinaryCache } from '../testkit/binary-cache-http.js';
import { systemNar, writeFakeCache, type FakeCachePath } from '../testkit/fake-cache.js';
import { packagePath } from '../testkit/store-paths.js';
import { nixEnv } from '../testkit/nix.js';
import { makeTempDir } from '../testkit/tmp.js';
import { argNumber, QUICK } from './lib/quick.js';

const N = argNumber(0, 2000, 200);
const RUNS = argNumber(1, 5, 1);
const REPO = join(import.meta.dirname, '..');
const LAYERS = 25;

// A deterministic pseudo-random sequence, so every run diffs the same graph.
let seed = 42;
const rand = (n: number): number => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed % n;
};

interface Node { name: string; layer: number; refs: number[] }
const nodes: Node[] = [];
for (let i = 0; i < N - 4; i++) {
  const layer = Math.min(LAYERS - 1, Math.floor((i / (N - 4)) * LAYERS));
  const below = nodes.filter((n) => n.layer < layer).length;
  const refs = below === 0 ? [] : [...new Set(Array.from({ length: 1 + rand(8) }, () => rand(below)))];
  nodes.push({ name: `pkg${i}`, layer, refs });
}
const bumped = new Set(Array.from({ length: Math.ceil(N * 0.02) }, () => rand(N - 4)));
// Every path above a bumped one is rebuilt in B.
const changedB = new Set<number>();
for (let i = 0; i < nodes.length; i++) if (bumped.has(i) || nodes[i]!.refs.some((r) => changedB.has(r))) changedB.add(i);

const version = (i: number, b: boolean): string => `${1 + (i % 7)}.${i % 13}.${b && bumped.has(i) ? 1 : 0}`;
const pathOf = (i: number, b: boolean): string => packagePath(`${nodes[i]!.name}-${version(i, b)}`, `${i}${b && changedB.has(i) ? 'b' : 'a'}`);

function closure(b: boolean, kernel: string): { top: string; paths: FakeCachePath[] } {
  const boot = { kernel: packagePath(`linux-${kernel}`), initrd: packagePath(`initrd-linux-${kernel}`), modules: packagePath(`linux-${kernel}-modules`) };
  const paths: FakeCachePath[] = nodes.map((n, i) => ({ path: pathOf(i, b), references: n.refs.map((r) => pathOf(r, b)), narSize: 1000 + rand(5_000_000) }));
  paths.push(...Object.values(boot).map((p) => ({ path: p, references: [], narSize: 30_000_000 })));
  // The system references every package nothing else references (as system-path and etc gather them), so the closure is all N.
  const referenced = new Set(nodes.flatMap((n) => n.refs));
  const topRefs = [...Object.values(boot), ...nodes.flatMap((_, i) => (referenced.has(i) ? [] : [pathOf(i, b)]))];
  const top = packagePath('nixos-system-web01-24.05', b ? 'top-b' : 'top-a');
  paths.push({ path: top, references: topRefs, nar: systemNar(boot) });
  return { top, paths };
}

const tmp = await makeTempDir('ogygia-bench-diff-');
const key = generateSecretKey('bench-cache-1');
const A = closure(false, '6.6.1');
const B = closure(true, '6.6.2');
const all = new Map([...A.paths, ...B.paths].map((p) => [p.path, p]));
const cacheDir = join(tmp.path, 'cache');
console.log(`writing ${all.size} signed narinfos (closures of ${A.paths.length} and ${B.paths.length} paths, ${bumped.size} packages bumped, ${changedB.size} rebuilt)…`);
await writeFakeCache(cacheDir, [...all.values()], [key]);
const cache = await serveBinaryCache(cacheDir);
const pub = formatPublicKey(key.publicKey);

// A channels repository with release 1 (A) and 2 (B), so the CLI runs as an operator would.
const repo = join(tmp.path, 'channels');
const ogygia = (args: string[]) => execa(join(REPO, 'bin/ogygia'), args, { env: nixEnv({ GIT_AUTHOR_NAME: 'B', GIT_AUTHOR_EMAIL: 'b@x.invalid', GIT_COMMITTER_NAME: 'B', GIT_COMMITTER_EMAIL: 'b@x.invalid' }), maxBuffer: 256 * 1024 * 1024 });
if (!QUICK) await execa('npm', ['run', '--silent', 'build'], { cwd: REPO }); // npm run bench:quick builds once first
for (const top of [A.top, B.top]) {
  await ogygia(['publish', '--repo', repo, '--channel', 'prod', '--key', testKeyFile('test-only-ops-1'), '--store-path', top, '--source-revision', 'a'.repeat(40), '--substituter', cache.url]);
}
await writeFile(join(repo, 'ogygia.toml'), `[trust]\nkeys = ["${testPublicKey('test-only-ops-1')}"]\n[cache]\ntrusted_keys = ["${pub}"]\n`);
await execa('git', ['-C', repo, 'add', 'ogygia.toml']);
await execa('git', ['-C', repo, '-c', 'user.name=B', '-c', 'user.email=b@x.invalid', 'commit', '-qm', 'policy']);

async function time(label: string, f: () => Promise<void>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
const results: Record<string, number[]> = { nix: [], ogygia: [], library: [] };
const releaseOf = (revision: number, top: string): Release => ({
  type: 'ogygia-release', spec: 1, channel: 'prod', revision, previous: null, issuedAt: '2026-11-21T10:00:00Z', source: { revision: 'a'.repeat(40) }, targets: { '*': { storePath: top } },
});
let checked = false;
for (let run = 0; run < RUNS; run++) {
  const nixCache = join(tmp.path, `nix-cache-${run}`);
  results.nix!.push(await time('nix', async () => {
    const r = await execa('nix', ['path-info', '--json', '-r', '--store', cache.url, A.top, B.top], { env: nixEnv({ XDG_CACHE_HOME: nixCache }), maxBuffer: 256 * 1024 * 1024 });
    const n = (JSON.parse(String(r.stdout)) as unknown[]).length;
    if (n !== all.size) throw new Error(`nix path-info listed ${n} paths, expected ${all.size}`);
  }));
  results.ogygia!.push(await time('ogygia', async () => {
    const r = await ogygia(['diff', '--repo', repo, '--channel', 'prod', '--json']);
    const g = JSON.parse(String(r.stdout)).groups[0];
    if (g.closure.fromPaths !== A.paths.length || g.closure.toPaths !== B.paths.length || !g.rebootRequired) throw new Error('ogygia diff gave a wrong report');
    if (!checked) {
      console.log(`report: ${g.changed.length} version changes, ${g.added.length} added, ${g.removed.length} removed; reboot: ${g.rebootReasons[0]}`);
      checked = true;
    }
  }));
  results.library!.push(await time('library', async () => {
    const src = cacheSource({ caches: [cache.url], trustedKeys: [key.publicKey] });
    const r = await buildChannelReport(computeImpact(releaseOf(1, A.top), releaseOf(2, B.top)), src);
    if (r.groups[0]!.closure.toPaths !== B.paths.length) throw new Error('wrong report');
  }));
}
await cache.stop();
await tmp.cleanup();

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`\n${N}-path closures, HTTP cache on loopback, ${RUNS} runs each (median, ms):`);
for (const [k, xs] of Object.entries(results)) console.log(`  ${k.padEnd(8)} ${median(xs).toFixed(0).padStart(6)}  (runs: ${xs.map((x) => x.toFixed(0)).join(', ')})`);
console.log(`  ratio ogygia diff (CLI) / nix path-info: ${(median(results.ogygia!) / median(results.nix!)).toFixed(2)}`);
console.log(`  ratio library / nix path-info:           ${(median(results.library!) / median(results.nix!)).toFixed(2)}`);

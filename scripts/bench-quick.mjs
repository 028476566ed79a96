// `npm run bench:quick`: runs every benchmark in bench/ (each bench/*.ts; helpers live in bench/lib/)
// in its quick mode, one after another, and exits 1 if any of them fails or overruns, so a benchmark
// that no longer runs fails CI. Quick mode prints the same-run ratios at tiny sizes, with no thresholds.
// Usage: node scripts/bench-quick.mjs [NAME ...]   (dist/ must be built: the npm script runs tsc first)
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '..');
const only = process.argv.slice(2);
const scripts = readdirSync(join(repo, 'bench'))
  .filter((f) => f.endsWith('.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();
const LIMIT_MS = 300_000; // per benchmark: quick mode is meant to take seconds; a hang fails instead of stalling CI

function run(file) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', join('bench', file), '--quick'], {
      cwd: repo,
      env: { ...process.env, OGYGIA_BENCH_QUICK: '1' },
      stdio: 'inherit',
      detached: true, // its own process group, so a timeout ends everything it started
    });
    const timer = setTimeout(() => {
      console.error(`bench:quick: ${file} ran over ${LIMIT_MS / 1000} s; stopping it`);
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }, LIMIT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ file, code: code ?? (signal ? 128 : 1), seconds: (performance.now() - t0) / 1000 });
    });
  });
}

const results = [];
for (const file of scripts) {
  console.log(`\nbench:quick: ${file}`);
  results.push(await run(file));
}
console.log('\nbench:quick summary');
for (const r of results) console.log(`  ${r.code === 0 ? 'ok  ' : 'FAIL'} ${r.file.padEnd(28)} ${r.seconds.toFixed(1)} s${r.code === 0 ? '' : ` (exit ${r.code})`}`);
const failed = results.filter((r) => r.code !== 0);
if (scripts.length === 0) console.error('bench:quick: no benchmark found in bench/');
process.exit(failed.length > 0 || scripts.length === 0 ? 1 : 0);

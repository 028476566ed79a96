// irisd's store refresh under load: bloom negatives (wrk -t1 -c32) at an irisd whose `[store] refresh_seconds = 1`
// over a store of PATHS registered paths, against nginx's 404 in the same run, ROUNDS rounds each:
//
//   unchanged   nothing changes in the store: each refresh reads the database's stamp and asks Nix nothing
//   changing    one path registered every 0.5 s: every refresh runs `nix path-info --all --json` and the scan
//               (parse, diff, bloom filter) on irisd's worker thread
//
// Printed: p99 and max latency per condition, the ratio of p99 to nginx's, and from irisd's /healthz the
// scans run and refreshes skipped. The paths are registered with `nix-store --load-db` (placeholder NAR hashes:
// this bench exercises the index and never fetches their NARs), so 20,000 paths take a second to set up.
// OGYGIA_BIN=/path/to/bin/ogygia measures another build (an earlier commit) with the same script.
// Run: node --import tsx bench/irisd-refresh.ts   (needs nix, nginx, wrk; ~2 min)   Env: PATHS=20000, ROUNDS=3.
import { execa } from 'execa';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { NIX32_ALPHABET } from '../core/nix32.js';
import { nixEnv, requireNix } from '../testkit/nix.js';
import { freePort, waitForPort } from '../testkit/ports.js';
import { requireProgram, startProcess, type Started } from '../testkit/processes.js';
import { makeTempDir } from '../testkit/tmp.js';
import { startNginx } from './lib/nginx.js';
import { envNumber, QUICK, summary } from './lib/quick.js';

const PATHS = envNumber('PATHS', 20_000, 500);
const ROUNDS = envNumber('ROUNDS', 3, 1);
const WRK_SECONDS = QUICK ? 1 : 5;
const BIN = process.env.OGYGIA_BIN || join(import.meta.dirname, '..', 'bin', 'ogygia');
await requireNix();
await requireProgram('nginx', 'nginx');
await requireProgram('wrk', 'wrk');
const tmp = await makeTempDir('ogygia-bench-refresh-');
const procs: Started[] = [];
const say = (s: string): void => console.log(s);

/** A store path name whose hash part is derived from `seed` (nix32 characters, so Nix accepts it). */
function syntheticPath(seed: string): string {
  const h = createHash('sha256').update(seed).digest();
  let s = '';
  for (let i = 0; i < 32; i++) s += NIX32_ALPHABET[h[i]! & 31];
  return `/nix/store/${s}-bench-refresh-${seed}`;
}

/** Register `paths` in the store at `root` (`nix-store --load-db`: path, NAR hash, NAR size, deriver, references). */
async function register(root: string, paths: readonly string[]): Promise<void> {
  const dump = paths.map((p) => `${p}\nsha256:${'1'.repeat(52)}\n120\n\n0\n`).join('');
  await execa('nix-store', ['--store', `local?root=${root}`, '--load-db'], { input: dump, env: nixEnv() });
}

interface Wrk {
  p99ms: number;
  maxMs: number;
}
const ms = (n: string, unit: string): number => Number(n) * (unit === 'us' ? 0.001 : unit === 's' ? 1000 : 1);
async function wrk(url: string): Promise<Wrk> {
  const out = String((await execa('wrk', ['-t1', '-c32', `-d${WRK_SECONDS}s`, '--latency', url])).stdout);
  const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(out)!;
  const max = /Latency\s+[\d.]+\w+\s+[\d.]+\w+\s+([\d.]+)(us|ms|s)/.exec(out)!;
  return { p99ms: ms(p99[1]!, p99[2]!), maxMs: ms(max[1]!, max[2]!) };
}

try {
  const root = join(tmp.path, 'store');
  await mkdir(root, { recursive: true });
  const t0 = performance.now();
  await register(root, Array.from({ length: PATHS }, (_, i) => syntheticPath(String(i))));
  say(`setup ${((performance.now() - t0) / 1000).toFixed(1)} s: ${PATHS} registered paths; ${ROUNDS} round(s) of ${WRK_SECONDS} s per condition; irisd from ${BIN}`);

  const port = await freePort();
  const cfg = join(tmp.path, 'irisd.toml');
  await writeFile(cfg, `[server]\nlisten = ["127.0.0.1:${port}"]\n[store]\nroot = ${JSON.stringify(root)}\nrefresh_seconds = 1\n[cache]\ndir = ${JSON.stringify(join(tmp.path, 'cache'))}\n`);
  const irisd = startProcess(process.execPath, [BIN, 'irisd', '--config', cfg], { log: join(tmp.path, 'irisd.log'), env: { ...nixEnv(), OGYGIA_LOG: 'quiet' } });
  procs.push(irisd);
  await waitForPort(port, '127.0.0.1', 120_000);
  const url = `http://127.0.0.1:${port}`;
  await mkdir(join(tmp.path, 'empty'), { recursive: true });
  const nginx = await startNginx(join(tmp.path, 'empty'), join(tmp.path, 'nginx'));
  procs.push(nginx.proc);

  const absent = syntheticPath('absent').slice('/nix/store/'.length, '/nix/store/'.length + 32);
  const health = async (): Promise<{ scans?: number; unchanged?: number; lastScanMs?: number }> =>
    ((await (await fetch(`${url}/healthz`)).json()) as { index?: { scans: number; unchanged: number; lastScanMs: number } }).index ?? {};
  await wrk(`${url}/${absent}.narinfo`); // warm-up (JIT), and the refreshes after the initial scan settle

  let added = 0;
  const conditions: Array<{ name: string; changing: boolean }> = [
    { name: 'unchanged', changing: false },
    { name: 'changing', changing: true },
  ];
  for (const c of conditions) {
    const rows: Array<{ i: Wrk; n: Wrk }> = [];
    const h0 = await health();
    for (let r = 0; r < ROUNDS; r++) {
      let adding: Promise<void> = Promise.resolve();
      let stop = false;
      if (c.changing) {
        adding = (async () => {
          while (!stop) {
            await register(root, [syntheticPath(`late-${added++}`)]);
            await new Promise((res) => setTimeout(res, 500));
          }
        })();
      }
      const i = await wrk(`${url}/${absent}.narinfo`);
      stop = true;
      await adding;
      const n = await wrk(`${nginx.url}/${absent}.narinfo`);
      rows.push({ i, n });
    }
    const h1 = await health();
    say(`${c.name}: irisd p99 ${summary(rows.map((x) => x.i.p99ms)).text} ms, max ${summary(rows.map((x) => x.i.maxMs), 1).text} ms; nginx 404 p99 ${summary(rows.map((x) => x.n.p99ms)).text} ms`);
    say(`  ratio irisd/nginx p99 ${summary(rows.map((x) => x.i.p99ms / x.n.p99ms)).text}`);
    if (h1.scans !== undefined && h0.scans !== undefined) {
      say(`  refreshes: ${h1.scans - h0.scans} scan(s) (last ${Math.round(h1.lastScanMs ?? 0)} ms), ${(h1.unchanged ?? 0) - (h0.unchanged ?? 0)} with the database unchanged`);
    } else {
      say('  refreshes: this build does not report them on /healthz');
    }
  }
} finally {
  for (const p of procs) await p.stop();
  await tmp.cleanup();
}

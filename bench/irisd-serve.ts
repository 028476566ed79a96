// irisd against nginx serving a `nix copy --to file://` cache of the same paths, same run.
// Run: node --import tsx bench/irisd-serve.ts   (needs nix, nginx, wrk, curl; ~3-5 min)
// Env: CHAIN=300 (closure length), BIG_MIB=256.
import { execa } from 'execa';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { storePathHash } from '../core/store-path.js';
import { buildChain, copyIntoStore, nixEnv, nixKeyPair } from '../testkit/nix.js';
import { freePort, waitForPort } from '../testkit/ports.js';
import { startProcess, type Started } from '../testkit/processes.js';
import { makeTempDir } from '../testkit/tmp.js';
import { envNumber, QUICK } from './lib/quick.js';

const CHAIN = envNumber('CHAIN', 300, 10);
const BIG_MIB = envNumber('BIG_MIB', 256, 8);
const BIN = join(import.meta.dirname, '..', 'bin', 'ogygia');
const tmp = await makeTempDir('ogygia-bench-');
const procs: Started[] = [];

async function irisd(name: string, root: string, peers: string[], trustedKey: string): Promise<string> {
  const port = await freePort();
  const cfg = join(tmp.path, `${name}.toml`);
  await writeFile(cfg, `[server]\nlisten = ["127.0.0.1:${port}"]\n[store]\nroot = ${JSON.stringify(root)}\n[peers]\nurls = ${JSON.stringify(peers)}\nrefresh_seconds = 2\n[trust]\ntrusted_keys = [${JSON.stringify(trustedKey)}]\n[cache]\ndir = ${JSON.stringify(join(tmp.path, name + '-cache'))}\n`);
  procs.push(startProcess(process.execPath, [BIN, 'irisd', '--config', cfg], { log: join(tmp.path, `${name}.log`), env: { ...nixEnv(), OGYGIA_LOG: 'quiet' } }));
  await waitForPort(port, '127.0.0.1', 120_000);
  return `http://127.0.0.1:${port}`;
}

async function nginx(root: string): Promise<string> {
  const port = await freePort();
  const dir = join(tmp.path, 'nginx');
  await mkdir(dir, { recursive: true });
  const conf = join(dir, 'nginx.conf');
  await writeFile(conf, `daemon off; user root; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 1024; }
http { access_log off; sendfile on; client_body_temp_path ${dir}/cb; proxy_temp_path ${dir}/p; fastcgi_temp_path ${dir}/f; uwsgi_temp_path ${dir}/u; scgi_temp_path ${dir}/s;
  server { listen 127.0.0.1:${port}; root ${root}; location / { default_type application/octet-stream; } } }\n`);
  procs.push(startProcess('/usr/sbin/nginx', ['-p', dir, '-c', conf], { log: join(dir, 'out.log') }));
  await waitForPort(port);
  return `http://127.0.0.1:${port}`;
}

async function wrk(url: string): Promise<{ rps: number; p99ms: number }> {
  const r = await execa('wrk', ['-t1', '-c32', QUICK ? '-d1s' : '-d5s', '--latency', url]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)![1]);
  const m = /99%\s+([\d.]+)(us|ms|s)/.exec(r.stdout)!;
  const p99ms = Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
  return { rps, p99ms };
}

async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

const out: string[] = [];
const say = (s: string): void => {
  console.log(s);
  out.push(s);
};
try {
  const key = await nixKeyPair(tmp.path, 'bench-1');
  const salt = `${process.pid}-${Date.now()}`;
  const t0 = performance.now();
  const chain = await buildChain(join(tmp.path, 'b'), { name: 'benchc', length: CHAIN, salt, bytes: 2048 });
  const bigDrv = join(tmp.path, 'big.nix');
  await writeFile(bigDrv, `derivation { name = "bench-big"; system = builtins.currentSystem; builder = "/bin/sh"; PATH = "/usr/bin:/bin"; args = [ "-c" "mkdir $out; echo ${salt} > $out/salt; head -c ${BIG_MIB * 1024 * 1024} /dev/urandom > $out/big" ]; }\n`);
  const big = String((await execa('nix-build', [bigDrv, '--no-out-link'], { env: nixEnv() })).stdout).trim();
  const storeB = join(tmp.path, 'sB');
  await copyIntoStore(storeB, [chain.top, big], key.secretFile);
  const fileCache = join(tmp.path, 'filecache');
  await execa('nix', ['copy', '--to', `file://${fileCache}?compression=none`, '--store', `local?root=${storeB}`, chain.top, big], { env: nixEnv({}, [key.publicKey]) });
  console.log(`setup ${((performance.now() - t0) / 1000).toFixed(0)} s: ${chain.closure.length}-path closure, ${BIG_MIB} MiB path`);

  const B = await irisd('b', storeB, [], key.publicKey);
  const A = await irisd('a', join(tmp.path, 'sA'), [B], key.publicKey);
  const N = await nginx(fileCache);
  await new Promise((r) => setTimeout(r, 3000)); // A fetches B's filter

  const h = storePathHash(chain.top);
  const wi = await wrk(`${B}/${h}.narinfo`);
  const wn = await wrk(`${N}/${h}.narinfo`);
  say(`narinfo hits/s: irisd ${wi.rps.toFixed(0)}, nginx ${wn.rps.toFixed(0)}, ratio irisd/nginx ${(wi.rps / wn.rps).toFixed(2)}`);

  const absent = 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz';
  const ni = await wrk(`${A}/${absent}.narinfo`);
  const nn = await wrk(`${N}/${absent}.narinfo`);
  say(`bloom-negative narinfo p99: irisd ${ni.p99ms.toFixed(2)} ms, nginx 404 ${nn.p99ms.toFixed(2)} ms, ratio irisd/nginx ${(ni.p99ms / nn.p99ms).toFixed(2)}`);

  const narUrl = async (base: string): Promise<string> => {
    const text = await (await fetch(`${base}/${storePathHash(big)}.narinfo`)).text();
    return `${base}/${/^URL: (.*)$/m.exec(text)![1]}`;
  };
  const curl = async (url: string) => seconds(() => execa('curl', ['-sf', '-o', '/dev/null', url]));
  const [ui, un] = [await narUrl(B), await narUrl(N)];
  await curl(ui);
  await curl(un); // warm the page cache for both
  const ti = await curl(ui);
  const tn = await curl(un);
  say(`NAR throughput (${BIG_MIB} MiB): irisd ${(BIG_MIB / ti).toFixed(0)} MiB/s, nginx ${(BIG_MIB / tn).toFixed(0)} MiB/s, ratio irisd/nginx ${(tn / ti).toFixed(2)}`);

  const copy = (from: string, dest: string) =>
    seconds(() => execa('nix', ['copy', '--from', from, '--to', `local?root=${dest}`, chain.top], { env: nixEnv({}, [key.publicKey]) }));
  const ci = await copy(A, join(tmp.path, 'c1'));
  const cn = await copy(N, join(tmp.path, 'c2'));
  const ci2 = await copy(A, join(tmp.path, 'c3'));
  say(`nix copy of a ${chain.closure.length}-path closure: via irisd (peer hop) ${ci.toFixed(2)} s, via nginx ${cn.toFixed(2)} s, ratio irisd/nginx ${(ci / cn).toFixed(2)} (irisd again, from its NAR cache: ${ci2.toFixed(2)} s)`);
} finally {
  for (const p of procs) await p.stop();
  await tmp.cleanup();
}

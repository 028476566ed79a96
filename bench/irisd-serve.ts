// irisd against nginx serving a `nix copy --to file://` cache of the same paths, same run, ROUNDS rounds each
// (median and spread printed). The load generator (wrk, curl, nix) shares the 2 cores with the servers, so the
// narinfo figures also give each server's CPU time per request, read from /proc (less sensitive to that load).
// Run: node --import tsx bench/irisd-serve.ts   (needs nix, nginx, wrk, curl; ~5-8 min)
// Env: CHAIN=300 (closure length), BIG_MIB=256, ROUNDS=3; OGYGIA_BIN=/path/to/bin/ogygia measures another build.
//
//   narinfo hits          wrk -t1 -c32 on a local path's narinfo: irisd (B) vs nginx
//   bloom negatives       wrk -t1 -c32 on an absent hash at an irisd whose peer's filter says no (A) vs nginx 404
//   NAR stream            curl of the BIG_MIB path's NAR: irisd (two reused buffers), the file-backed alternative
//                         (bench/lib/file-nar-server.mjs: the NAR file piped from disk), nginx (sendfile)
//   small NARs            every NAR of the CHAIN closure fetched in turn on one keep-alive connection
//   cold peer hop         nix copy of the closure through a fresh irisd A whose peer B holds it, vs from nginx
import { execa } from 'execa';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { storePathHash } from '../core/store-path.js';
import { buildChain, copyIntoStore, nixEnv, nixKeyPair } from '../testkit/nix.js';
import { freePort, waitForPort } from '../testkit/ports.js';
import { requireProgram, startProcess, type Started } from '../testkit/processes.js';
import { packagePath } from '../testkit/store-paths.js';
import { makeTempDir } from '../testkit/tmp.js';
import { groupCpuSeconds } from './lib/cpu.js';
import { startNginx } from './lib/nginx.js';
import { envNumber, QUICK, summary } from './lib/quick.js';

const CHAIN = envNumber('CHAIN', 300, 10);
const BIG_MIB = envNumber('BIG_MIB', 256, 8);
const ROUNDS = envNumber('ROUNDS', 3, 1);
const WRK_SECONDS = QUICK ? 1 : 5;
const BIN = process.env.OGYGIA_BIN || join(import.meta.dirname, '..', 'bin', 'ogygia');
await requireProgram('nginx', 'nginx');
await requireProgram('wrk', 'wrk');
await requireProgram('curl', 'curl');
const tmp = await makeTempDir('ogygia-bench-');
const procs: Started[] = [];

interface Server {
  readonly url: string;
  readonly proc: Started;
}

async function irisd(name: string, root: string, peers: string[], trustedKey: string): Promise<Server> {
  const port = await freePort();
  const cfg = join(tmp.path, `${name}.toml`);
  await writeFile(cfg, `[server]\nlisten = ["127.0.0.1:${port}"]\n[store]\nroot = ${JSON.stringify(root)}\n[peers]\nurls = ${JSON.stringify(peers)}\nrefresh_seconds = 2\n[trust]\ntrusted_keys = [${JSON.stringify(trustedKey)}]\n[cache]\ndir = ${JSON.stringify(join(tmp.path, name + '-cache'))}\n`);
  const proc = startProcess(process.execPath, [BIN, 'irisd', '--config', cfg], { log: join(tmp.path, `${name}.log`), env: { ...nixEnv(), OGYGIA_LOG: 'quiet' } });
  procs.push(proc);
  await waitForPort(port, '127.0.0.1', 120_000);
  const url = `http://127.0.0.1:${port}`;
  if (peers.length > 0) {
    // Until it holds every peer's filter (refresh_seconds = 2).
    while (!(await (await fetch(`${url}/iris/v1/peers`)).text()).includes('"reachable":true')) await new Promise((r) => setTimeout(r, 100));
  }
  return { url, proc };
}

async function nginx(root: string): Promise<Server> {
  const server = await startNginx(root, join(tmp.path, 'nginx'));
  procs.push(server.proc);
  return server;
}

async function fileServer(root: string): Promise<Server> {
  const port = await freePort();
  const proc = startProcess(process.execPath, [join(import.meta.dirname, 'lib', 'file-nar-server.mjs'), String(port), root], { log: join(tmp.path, 'file-server.log') });
  procs.push(proc);
  await waitForPort(port);
  return { url: `http://127.0.0.1:${port}`, proc };
}

/** wrk -t1 -c32 against `url`; the server's CPU per request from /proc. */
async function wrk(url: string, server: Server): Promise<{ rps: number; p99ms: number; cpuUs: number }> {
  const cpu0 = await groupCpuSeconds(server.proc.pid);
  const r = await execa('wrk', ['-t1', '-c32', `-d${WRK_SECONDS}s`, '--latency', url]);
  const cpu1 = await groupCpuSeconds(server.proc.pid);
  const out = String(r.stdout);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)![1]);
  const requests = Number(/(\d+) requests in/.exec(out)![1]);
  const m = /99%\s+([\d.]+)(us|ms|s)/.exec(out)!;
  const p99ms = Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
  return { rps, p99ms, cpuUs: ((cpu1 - cpu0) * 1e6) / requests };
}

async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

const rounds = async <T>(f: (round: number) => Promise<T>): Promise<T[]> => {
  const out: T[] = [];
  for (let i = 0; i < ROUNDS; i++) out.push(await f(i));
  return out;
};
const say = (s: string): void => console.log(s);

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
  say(`setup ${((performance.now() - t0) / 1000).toFixed(0)} s: ${chain.closure.length}-path closure, ${BIG_MIB} MiB path; ${ROUNDS} round(s) of each measurement; irisd from ${BIN}`);

  const B = await irisd('b', storeB, [], key.publicKey);
  const A = await irisd('a', join(tmp.path, 'sA'), [B.url], key.publicKey);
  const N = await nginx(fileCache);
  const F = await fileServer(fileCache);

  // narinfo hits
  const h = storePathHash(chain.top);
  await wrk(`${B.url}/${h}.narinfo`, B); // warm-up (JIT)
  const hits = await rounds(async () => ({ i: await wrk(`${B.url}/${h}.narinfo`, B), n: await wrk(`${N.url}/${h}.narinfo`, N) }));
  say(`narinfo hits/s: irisd ${summary(hits.map((x) => x.i.rps), 0).text}, nginx ${summary(hits.map((x) => x.n.rps), 0).text}; ratio irisd/nginx ${summary(hits.map((x) => x.i.rps / x.n.rps)).text}`);
  say(`  CPU per hit: irisd ${summary(hits.map((x) => x.i.cpuUs), 1).text} µs, nginx ${summary(hits.map((x) => x.n.cpuUs), 1).text} µs`);

  // bloom negatives: an absent hash A's peer filter rules out (not a bloom false positive)
  let absent = '';
  for (let i = 0; !absent; i++) {
    const hash = storePathHash(packagePath(`bench-absent-${i}`));
    const r = await fetch(`${A.url}/${hash}.narinfo`);
    await r.arrayBuffer();
    if (r.headers.get('x-iris-miss') === 'bloom-negative') absent = hash;
  }
  await wrk(`${A.url}/${absent}.narinfo`, A);
  const negs = await rounds(async () => ({ i: await wrk(`${A.url}/${absent}.narinfo`, A), n: await wrk(`${N.url}/${absent}.narinfo`, N) }));
  say(`bloom-negative narinfo p99 (32 connections): irisd ${summary(negs.map((x) => x.i.p99ms)).text} ms, nginx 404 ${summary(negs.map((x) => x.n.p99ms)).text} ms; ratio ${summary(negs.map((x) => x.i.p99ms / x.n.p99ms)).text}`);
  say(`  CPU per negative: irisd ${summary(negs.map((x) => x.i.cpuUs), 1).text} µs, nginx ${summary(negs.map((x) => x.n.cpuUs), 1).text} µs; ratio ${summary(negs.map((x) => x.i.cpuUs / x.n.cpuUs)).text}; req/s irisd ${summary(negs.map((x) => x.i.rps), 0).text}, nginx ${summary(negs.map((x) => x.n.rps), 0).text}`);

  // NAR stream of the big path
  const narPath = async (base: string): Promise<string> => /^URL: (.*)$/m.exec(await (await fetch(`${base}/${storePathHash(big)}.narinfo`)).text())![1]!;
  const [pi, pn] = [await narPath(B.url), await narPath(N.url)];
  /** One download with curl: wall seconds, and the server's CPU seconds for it. */
  const curl = async (url: string, server: Server) => {
    const cpu0 = await groupCpuSeconds(server.proc.pid);
    const s = await seconds(() => execa('curl', ['-sf', '-o', '/dev/null', url]));
    return { s, cpu: (await groupCpuSeconds(server.proc.pid)) - cpu0 };
  };
  for (const [u, srv] of [[`${B.url}/${pi}`, B], [`${N.url}/${pn}`, N], [`${F.url}/${pn}`, F]] as const) await curl(u, srv); // warm the page cache
  const nar = await rounds(async () => ({ i: await curl(`${B.url}/${pi}`, B), n: await curl(`${N.url}/${pn}`, N), f: await curl(`${F.url}/${pn}`, F) }));
  const mibs = (s: number) => BIG_MIB / s;
  const msPerGiB = (cpu: number) => (cpu * 1000 * 1024) / BIG_MIB;
  say(`NAR stream (${BIG_MIB} MiB): irisd ${summary(nar.map((x) => mibs(x.i.s)), 0).text} MiB/s, file-backed (createReadStream) ${summary(nar.map((x) => mibs(x.f.s)), 0).text} MiB/s, nginx ${summary(nar.map((x) => mibs(x.n.s)), 0).text} MiB/s`);
  say(`  ratio irisd/nginx ${summary(nar.map((x) => x.n.s / x.i.s)).text}; file-backed/nginx ${summary(nar.map((x) => x.n.s / x.f.s)).text}`);
  say(`  server CPU per GiB sent: irisd ${summary(nar.map((x) => msPerGiB(x.i.cpu)), 0).text} ms, file-backed ${summary(nar.map((x) => msPerGiB(x.f.cpu)), 0).text} ms, nginx ${summary(nar.map((x) => msPerGiB(x.n.cpu)), 0).text} ms`);

  // small NARs: the whole chain, one keep-alive connection (fetch), in turn
  const smallUrls = async (base: string) => Promise.all(chain.closure.map(async (p) => `${base}/${/^URL: (.*)$/m.exec(await (await fetch(`${base}/${storePathHash(p)}.narinfo`)).text())![1]!}`));
  const [si, sn] = [await smallUrls(B.url), await smallUrls(N.url)];
  const fetchAll = (urls: string[]) => seconds(async () => {
    for (const u of urls) {
      const r = await fetch(u);
      if (r.status !== 200) throw new Error(`${u}: ${r.status}`);
      await r.arrayBuffer();
    }
  });
  await fetchAll(si);
  await fetchAll(sn);
  const small = await rounds(async () => ({ i: await fetchAll(si), n: await fetchAll(sn) }));
  const perNar = (s: number) => (s * 1000) / chain.closure.length;
  say(`small NARs (${chain.closure.length}, ~2 KiB each, in turn): irisd ${summary(small.map((x) => perNar(x.i)), 3).text} ms each, nginx ${summary(small.map((x) => perNar(x.n)), 3).text} ms; ratio ${summary(small.map((x) => x.i / x.n)).text}`);

  // cold peer hop: a fresh irisd (empty NAR cache) per round
  const copy = (from: string, dest: string) =>
    seconds(() => execa('nix', ['copy', '--from', from, '--to', `local?root=${dest}`, chain.top], { env: nixEnv({}, [key.publicKey]) }));
  const cold = await rounds(async (k) => {
    const hop = await irisd(`hop${k}`, join(tmp.path, `sHop${k}`), [B.url], key.publicKey);
    const cpu0 = await groupCpuSeconds(hop.proc.pid);
    const i = await copy(hop.url, join(tmp.path, `ci${k}`));
    const cpu = (await groupCpuSeconds(hop.proc.pid)) - cpu0;
    const n = await copy(N.url, join(tmp.path, `cn${k}`));
    const again = await copy(hop.url, join(tmp.path, `ca${k}`));
    await hop.proc.stop();
    return { i, n, again, cpuMsPerPath: (cpu * 1000) / chain.closure.length };
  });
  say(`nix copy of a ${chain.closure.length}-path closure, cold, through one irisd hop: ${summary(cold.map((x) => x.i)).text} s, from nginx ${summary(cold.map((x) => x.n)).text} s; ratio irisd/nginx ${summary(cold.map((x) => x.i / x.n)).text}`);
  say(`  hop CPU per path ${summary(cold.map((x) => x.cpuMsPerPath)).text} ms; again from the hop's NAR cache ${summary(cold.map((x) => x.again)).text} s, ratio to nginx ${summary(cold.map((x) => x.again / x.n)).text}`);
} finally {
  for (const p of procs) await p.stop();
  await tmp.cleanup();
}

// The agent's own overhead: verify + plan time per release and idle RSS, each
// next to a peer measured in the same run. Run: node --import tsx bench/agent-overhead.ts
// (as root with Nix for the nix-store peer; `npm ci` first so dist/ is built).
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { planRelease } from '../agent/plan.js';
import { emptyState } from '../agent/state.js';
import { verifyHead } from '../agent/verify.js';
import { formatPublicKey } from '../core/keys.js';
import { signingBytes } from '../core/signing.js';
import { buildSystemClosure, nixEnv } from '../testkit/nix.js';
import { startProcess } from '../testkit/processes.js';
import { buildChannelRepo } from '../testkit/channel-repo.js';
import { testKey } from '../testkit/keys.js';
import { bytesOf, ReleaseChain } from '../testkit/release-chain.js';
import { storePath } from '../testkit/store-paths.js';
import { makeTempDir } from '../testkit/tmp.js';
import { envNumber, QUICK } from './lib/quick.js';

const N = envNumber('BENCH_N', 2000, 200);
const key = testKey('test-only-ops-1');
const chain = new ReleaseChain('prod', [key]);
const targets: Record<string, string> = { '*': storePath('star') };
for (let i = 0; i < 50; i++) targets[`web${String(i).padStart(2, '0')}`] = storePath(`web${i}`);
const r1 = chain.next({ targets });
const r2 = chain.next({ targets });
const head = { bytes: bytesOf(r2.text), commit: 'c'.repeat(40) };
const ctx = {
  channel: 'prod',
  host: 'web07',
  policy: { keys: [key.publicKey], threshold: 1 },
  now: new Date('2026-02-01T00:00:00Z'),
  floor: { revision: 1, digest: r1.digest, commit: 'b'.repeat(40) },
};
const state = { ...emptyState('prod'), phase: 'applied' as const, revision: 1, digest: r1.digest, commit: 'b'.repeat(40), storePath: targets['*']!, sourceRevision: 'a'.repeat(40) };

function timeIt(n: number, f: () => void): number {
  for (let i = 0; i < Math.min(200, n); i++) f(); // warm up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) f();
  return Number(process.hrtime.bigint() - t0) / 1e3 / n; // µs per call
}

// 1. verify + plan per release vs. one bare node:crypto ed25519 verify of the same signed bytes.
const verifyPlanUs = timeIt(N, () => {
  const v = verifyHead(head, ctx);
  planRelease(state, v);
});
const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(key.publicKey.bytes)]);
const pub = createPublicKey({ key: spki, format: 'der', type: 'spki' });
const msg = signingBytes(r2.doc.release);
const sig = Buffer.from(r2.doc.signatures[0]!.sig, 'base64');
const cryptoUs = timeIt(N * 5, () => {
  if (!cryptoVerify(null, msg, pub, sig)) throw new Error('bad signature');
});

// 2. The cheapest Nix call an apply makes: one `nix-store --query --hash`.
const tmp = await makeTempDir('ogygia-bench-');
const sys = await buildSystemClosure(join(tmp.path, 'build'), { name: 'bench-system', revision: 'bench', salt: String(Date.now()) });
const M = QUICK ? 3 : 20;
const q0 = Date.now();
for (let i = 0; i < M; i++) await execa('nix-store', ['--query', '--hash', sys], { env: nixEnv() });
const nixQueryUs = ((Date.now() - q0) * 1000) / M;

// 3. Idle RSS of `ogygia agent` (built dist/, git source, long poll interval) vs. an idle bare node.
async function rssKb(pid: number): Promise<number> {
  const s = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(s)![1]);
}
const repo = join(tmp.path, 'channels');
await buildChannelRepo(repo, { main: [{ message: 'r1', files: { 'channels/prod.json': r1.text } }] });
const root = join(tmp.path, 'root');
await mkdir(root, { recursive: true });
const cfg = join(tmp.path, 'agent.toml');
await writeFile(
  cfg,
  `host = "web07"\nchannel = "prod"\nsource = "${repo}"\nstate_dir = "${join(root, 'state')}"\npoll_interval_seconds = 3600\n` +
    `[trust]\nkeys = ["${formatPublicKey(key.publicKey)}"]\n[nix]\nsubstituters = []\n`,
);
const agentProc = startProcess('node', [new URL('../bin/ogygia', import.meta.url).pathname, 'agent', '--config', cfg, '--dry-run'], {
  env: { ...process.env, OGYGIA_ROOT: root },
  log: join(tmp.path, 'agent.log'),
});
const peerProc = startProcess('node', ['-e', 'setInterval(() => {}, 1000)'], { log: join(tmp.path, 'peer.log') });
// Every `ogygia` command module loaded (each command loads its own only when it runs; here all of them), nothing
// running: isolates the agent's own share.
const commandsDir = new URL('../dist/cli/commands/', import.meta.url);
const commandModules = (await readdir(commandsDir)).filter((f) => f.endsWith('.js')).map((f) => new URL(f, commandsDir).href);
const cliProc = startProcess('node', ['-e', `Promise.all(${JSON.stringify(commandModules)}.map((m) => import(m))).then(() => setInterval(() => {}, 1000))`], { log: join(tmp.path, 'cli.log') });
await new Promise((r) => setTimeout(r, QUICK ? 1500 : 5000));
const agentRss = await rssKb(agentProc.pid);
const peerRss = await rssKb(peerProc.pid);
const cliRss = await rssKb(cliProc.pid);
await agentProc.stop();
await peerProc.stop();
await cliProc.stop();
await tmp.cleanup();

const f1 = (n: number): string => n.toFixed(1);
console.log(`agent-overhead (N=${N}, a 51-target release, 1 signature, threshold 1)`);
console.log(`verify+plan per release      ${f1(verifyPlanUs)} µs`);
console.log(`peer: node:crypto verify     ${f1(cryptoUs)} µs   ratio ${f1(verifyPlanUs / cryptoUs)}x`);
console.log(`peer: nix-store --query      ${f1(nixQueryUs)} µs   ratio ${(verifyPlanUs / nixQueryUs).toFixed(4)}x`);
console.log(`idle RSS ogygia agent        ${(agentRss / 1024).toFixed(1)} MiB`);
console.log(`peer: idle bare node         ${(peerRss / 1024).toFixed(1)} MiB   ratio ${f1(agentRss / peerRss)}x`);
console.log(`peer: CLI modules loaded     ${(cliRss / 1024).toFixed(1)} MiB   ratio ${f1(agentRss / cliRss)}x (agent's own share ${((agentRss - cliRss) / 1024).toFixed(1)} MiB)`);

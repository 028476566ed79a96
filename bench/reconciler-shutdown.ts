// Time from SIGTERM to process exit with many open long-polls: the reconciler
// (`ogygia reconciler`, which answers every held long-poll, stops the mirror and
// persists its state) against a bare fastify app holding the same number of
// requests (bench/lib/bare-fastify.mjs /hold), each its own process, same run.
// Run: node --import tsx bench/reconciler-shutdown.ts [polls] [rounds]
import type { Started } from '../testkit/processes.js';
import { makeTempDir } from '../testkit/tmp.js';
import { get, keepAliveAgent } from './lib/reconciler-http.js';
import { startBareFastify, startBenchReconciler } from './lib/reconciler-setup.js';
import { argNumber } from './lib/quick.js';

const POLLS = argNumber(0, 1000, 50);
const ROUNDS = argNumber(1, 3, 1);

/** Open `POLLS` held requests, wait until the server counts them all, SIGTERM it, and time until it exits. */
async function timeStop(proc: Started, base: string, path: string, headers: Record<string, string>): Promise<{ ms: number; answered: number; exitCode: number | null }> {
  const agent = keepAliveAgent();
  const open = async (): Promise<number> => (JSON.parse((await get(`${base}/healthz`, agent)).body) as { longPolls: number }).longPolls;
  const polls: Array<Promise<number>> = [];
  for (let i = 0; i < POLLS; i++) {
    polls.push(get(`${base}${path}`, agent, headers).then((r) => r.status, () => 0));
    if (i % 250 === 249) await new Promise((r) => setTimeout(r, 10));
  }
  while ((await open()) < POLLS) await new Promise((r) => setTimeout(r, 50));
  const exited = new Promise<void>((resolve) => proc.child.once('exit', () => resolve()));
  const t0 = process.hrtime.bigint();
  process.kill(proc.pid, 'SIGTERM');
  await exited;
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const statuses = await Promise.all(polls);
  agent.destroy();
  return { ms, answered: statuses.filter((s) => s === 304).length, exitCode: proc.child.exitCode };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const recMs: number[] = [];
const bareMs: number[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  const rec = await startBenchReconciler();
  const r = await timeStop(rec.proc, rec.url, '/v1/channels/prod?wait=300', { 'if-none-match': `"${rec.head.digest}"` });
  await rec.stop();
  const tmp = await makeTempDir('ogygia-bench-bare-');
  const bare = await startBareFastify({ logDir: tmp.path });
  const b = await timeStop(bare.proc, bare.url, '/hold', {});
  await bare.stop();
  await tmp.cleanup();
  if (r.exitCode !== 0) throw new Error(`the reconciler exited with ${r.exitCode} after SIGTERM`);
  recMs.push(r.ms);
  bareMs.push(b.ms);
  console.log(
    `  round ${round}: reconciler ${r.ms.toFixed(0)} ms (${r.answered}/${POLLS} long-polls answered 304), ` +
      `bare fastify ${b.ms.toFixed(0)} ms (${b.answered}/${POLLS}), ratio ${(r.ms / b.ms).toFixed(2)}`,
  );
}
console.log(
  `SIGTERM to exit with ${POLLS} open long-polls: reconciler median ${median(recMs).toFixed(0)} ms, bare fastify ${median(bareMs).toFixed(0)} ms, ` +
    `ratio ${(median(recMs) / median(bareMs)).toFixed(2)} (the reconciler's stop grace is 10 s)`,
);

// Throughput of GET /v1/channels/:c with If-None-Match (the 304 path) as a ratio to a bare fastify route
// returning a constant, both as their own node process pinned to core 1, wrk pinned to core 0, same run.
// Run: node --import tsx bench/reconciler-304.ts [seconds] [rounds]
import { execa } from 'execa';
import { requireProgram } from '../testkit/processes.js';
import { startBareFastify, startBenchReconciler } from './lib/reconciler-setup.js';
import { argNumber } from './lib/quick.js';

const SECONDS = argNumber(0, 8, 1);
const ROUNDS = argNumber(1, 3, 1);
const CONNECTIONS = 50;

await requireProgram('wrk', 'wrk');
await requireProgram('taskset', 'util-linux');

async function wrk(url: string, etag: string): Promise<number> {
  const r = await execa('taskset', ['-c', '0', 'wrk', '-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '-H', `If-None-Match: ${etag}`, url]);
  const out = String(r.stdout);
  const m = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (!m) throw new Error(`wrk printed no rate:\n${out}`);
  if (/Non-2xx or 3xx responses/.test(out)) throw new Error(`wrk saw errors:\n${out}`);
  return Number(m[1]);
}

const rec = await startBenchReconciler({ cpu: 1 });
const bare = await startBareFastify({ logDir: rec.dir, cpu: 1 });
try {
  const etag = `"${rec.head.digest}"`;
  const check = await fetch(`${rec.url}/v1/channels/prod`, { headers: { 'if-none-match': etag } });
  if (check.status !== 304) throw new Error(`expected 304 from the reconciler, got ${check.status}`);
  // Warm both up.
  await wrk(`${rec.url}/v1/channels/prod`, etag);
  await wrk(`${bare.url}/v1/channels/prod`, '"constant"');
  const ratios: number[] = [];
  const best = { rec: 0, bare: 0 };
  for (let i = 0; i < ROUNDS; i++) {
    const r = await wrk(`${rec.url}/v1/channels/prod`, etag);
    const b = await wrk(`${bare.url}/v1/channels/prod`, '"constant"');
    ratios.push(r / b);
    best.rec = Math.max(best.rec, r);
    best.bare = Math.max(best.bare, b);
    console.log(`  round ${i + 1}: reconciler 304 ${r.toFixed(0)} req/s, bare fastify ${b.toFixed(0)} req/s, ratio ${(r / b).toFixed(2)}`);
  }
  ratios.sort((a, b) => a - b);
  console.log(`reconciler 304 path: median ratio to bare fastify ${ratios[Math.floor(ratios.length / 2)]!.toFixed(2)} (wrk -t1 -c${CONNECTIONS} -d${SECONDS}s, server on core 1, wrk on core 0)`);
  console.log(`  best-of-${ROUNDS} ratio (less sensitive to other load on the machine): ${(best.rec / best.bare).toFixed(2)} (${best.rec.toFixed(0)} vs ${best.bare.toFixed(0)} req/s)`);
} finally {
  await bare.stop();
  await rec.stop();
}

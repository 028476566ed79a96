// The fleet dashboard at 10,000 hosts: time and size of the first page of GET /, against a bare fastify
// route sending a static string of the same size (bench/lib/bare-fastify.mjs), both their own node process on
// core 1, same run. The 10,000 reports go through the real report route (POST /v1/hosts/:host/reports).
// Run: node --import tsx bench/dashboard.ts [hosts] [requests]
import { requireProgram } from '../testkit/processes.js';
import { timeGets } from './lib/reconciler-http.js';
import { percentile, startBareFastify, startBenchReconciler } from './lib/reconciler-setup.js';
import { argNumber, QUICK } from './lib/quick.js';

const HOSTS = argNumber(0, 10_000, 200);
const REQUESTS = argNumber(1, 50, 10);

await requireProgram('taskset', 'util-linux');

/** 1 % failed, 1 % rolled back, 14 % applying, the rest applied (in sync). */
const stateOf = (i: number) => (i % 100 === 0 ? 'failed' : i % 100 === 1 ? 'rolled-back' : i % 100 < 16 ? 'applying' : 'applied');


const rec = await startBenchReconciler({ cpu: 1 });
const bare = await startBareFastify({ logDir: rec.dir, cpu: 1 });
try {
  const t0 = performance.now();
  for (let from = 0; from < HOSTS; from += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, HOSTS - from) }, async (_, k) => {
        const i = from + k;
        const host = `host${String(i).padStart(5, '0')}`;
        const state = stateOf(i);
        const r = await fetch(`${rec.url}/v1/hosts/${host}/reports`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            host, channel: 'prod', state, revision: rec.head.doc.release.revision, digest: rec.head.digest, commit: null,
            current: 'a1b2c3d4e5f6', booted: 'a1b2c3d4e5f6', nextboot: 'a1b2c3d4e5f6', agentVersion: 'bench', reportedAt: new Date(Date.now() - i * 1000).toISOString(),
            ...(state === 'failed' || state === 'rolled-back'
              ? { error: { code: 'HealthCheckFailedError', message: `health command exited 3 on ${host}`, outputTail: 'x'.repeat(2000) } }
              : {}),
          }),
        });
        await r.arrayBuffer();
        if (r.status !== 202) throw new Error(`report ${host}: ${r.status}`);
      }),
    );
  }
  console.log(`  ${HOSTS} reports posted through the report route in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const dash = await timeGets(`${rec.url}/`, REQUESTS, 10);
  const peer = await timeGets(`${bare.url}/static?bytes=${dash.bytes}`, REQUESTS, 10);
  const host = await timeGets(`${rec.url}/hosts/host00000`, REQUESTS, 10);
  const filtered = await timeGets(`${rec.url}/?state=rolled-back`, REQUESTS, 10);
  const med = (xs: number[]) => percentile(xs, 50);
  const fmt = (x: { ms: number[]; bytes: number }) => `median ${med(x.ms).toFixed(1)} ms, p95 ${percentile(x.ms, 95).toFixed(1)} ms, ${(x.bytes / 1024).toFixed(1)} KiB`;
  console.log(`dashboard first page (GET /) with ${HOSTS} hosts: ${fmt(dash)} (${REQUESTS} sequential requests, server on core 1)`);
  console.log(`  bare fastify sending a static string of the same size: ${fmt(peer)}; ratio ${(med(dash.ms) / med(peer.ms)).toFixed(1)}`);
  console.log(`  GET /?state=rolled-back: ${fmt(filtered)}; GET /hosts/host00000: ${fmt(host)}`);
  if (!QUICK) console.log(`  target: first page < 50 ms and < 300 KB (300,000 bytes): ${med(dash.ms) < 50 && dash.bytes < 300_000 ? 'met' : 'NOT met'}`);
} finally {
  await bare.stop();
  await rec.stop();
}

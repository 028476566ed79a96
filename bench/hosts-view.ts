// GET /v1/hosts with 10,000 hosts on a replica that keeps reports in etcd: the reports are posted to replica A
// (through the real report route), replica B answers GET /v1/hosts from etcd. Against a bare fastify route sending
// a static string of the same size (bench/lib/bare-fastify.mjs), same run. Median of REQUESTS sequential GETs.
// Run: node --import tsx bench/hosts-view.ts [hosts] [requests]   (issue 18's target: at most 50 ms)
import { startEtcd } from '../testkit/etcd.js';
import { makeTempDir } from '../testkit/tmp.js';
import { timeGets } from './lib/reconciler-http.js';
import { percentile, startBareFastify, startBenchReconciler } from './lib/reconciler-setup.js';
import { argNumber, QUICK, summary } from './lib/quick.js';
import { groupCpuSeconds } from './lib/cpu.js';

const HOSTS = argNumber(0, 10_000, 200);
const REQUESTS = argNumber(1, 30, 5);


const etcd = await startEtcd();
const tmp = await makeTempDir('ogygia-bench-hosts-');
try {
  const a = await startBenchReconciler({ etcd: etcd.endpoint });
  const b = await startBenchReconciler({ etcd: etcd.endpoint, repo: a.repo });
  const bare = await startBareFastify({ logDir: tmp.path });
  try {
    const t0 = performance.now();
    for (let from = 0; from < HOSTS; from += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, HOSTS - from) }, async (_, k) => {
          const host = `host${String(from + k).padStart(5, '0')}`;
          const r = await fetch(`${a.url}/v1/hosts/${host}/reports`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              host, channel: 'prod', state: 'applied', revision: a.head.doc.release.revision, digest: a.head.digest, commit: null,
              current: 'a1b2c3d4e5f6', booted: 'a1b2c3d4e5f6', nextboot: 'a1b2c3d4e5f6', agentVersion: 'bench', reportedAt: new Date().toISOString(),
            }),
          });
          await r.arrayBuffer();
          if (r.status !== 202) throw new Error(`report ${host}: ${r.status}`);
        }),
      );
    }
    console.log(`  ${HOSTS} reports posted to replica A in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const first = await fetch(`${b.url}/v1/hosts`);
    const n = ((await first.json()) as { hosts: unknown[] }).hosts.length;
    if (n !== HOSTS) throw new Error(`replica B lists ${n} hosts, not ${HOSTS}`);
    const cpu0 = await groupCpuSeconds(b.proc.pid);
    const hosts = await timeGets(`${b.url}/v1/hosts`, REQUESTS);
    const cpuMs = (((await groupCpuSeconds(b.proc.pid)) - cpu0) * 1000) / (REQUESTS + 3);
    const bare0 = await groupCpuSeconds(bare.proc.pid);
    const peer = await timeGets(`${bare.url}/static?bytes=${hosts.bytes}`, REQUESTS);
    const bareMs = (((await groupCpuSeconds(bare.proc.pid)) - bare0) * 1000) / (REQUESTS + 3);
    console.log(`GET /v1/hosts on replica B (reports in etcd), ${HOSTS} hosts, ${REQUESTS} sequential requests: ${summary(hosts.ms, 1).text} ms, p95 ${percentile(hosts.ms, 95).toFixed(1)} ms, ${(hosts.bytes / 1024).toFixed(0)} KiB`);
    console.log(`  bare fastify sending a static string of the same size: ${summary(peer.ms, 1).text} ms; ratio ${(summary(hosts.ms).median / summary(peer.ms).median).toFixed(1)}`);
    console.log(`  server CPU per request: replica B ${cpuMs.toFixed(1)} ms, bare fastify ${bareMs.toFixed(1)} ms`);
    if (!QUICK) console.log(`  target (issue 18): at most 50 ms: ${summary(hosts.ms).median <= 50 ? 'met' : 'NOT met'}`);
  } finally {
    await bare.stop();
    await b.stop();
    await a.stop();
  }
} finally {
  await etcd.stop();
  await tmp.cleanup();
}

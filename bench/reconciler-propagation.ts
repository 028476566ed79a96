// Propagation: `git push` into a local source → 1,000 concurrent long-polling clients all hold the new release.
// Run: node --import tsx bench/reconciler-propagation.ts [clients] [rounds]
import { get, keepAliveAgent } from './lib/reconciler-http.js';
import { percentile, startBenchReconciler } from './lib/reconciler-setup.js';
import { argNumber } from './lib/quick.js';

const CLIENTS = argNumber(0, 1000, 50);
const ROUNDS = argNumber(1, 5, 2);

const rec = await startBenchReconciler();
const agent = keepAliveAgent();
try {
  const all: number[] = [];
  const pushes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const etag = `"${rec.head.digest}"`;
    let t0 = 0;
    const polls = Array.from({ length: CLIENTS }, async () => {
      const r = await get(`${rec.url}/v1/channels/prod?wait=120`, agent, { 'if-none-match': etag });
      const at = performance.now();
      if (r.status !== 200 || !r.body.includes('"revision"')) throw new Error(`a client got ${r.status}`);
      return at;
    });
    for (;;) {
      const open = (JSON.parse((await get(`${rec.url}/healthz`, agent)).body) as { longPolls: number }).longPolls;
      if (open >= CLIENTS) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    t0 = performance.now();
    await rec.publishNext(); // write the file, git commit, git push (CLI)
    pushes.push(performance.now() - t0);
    const done = await Promise.all(polls);
    all.push(...done.map((t) => t - t0));
  }
  all.sort((a, b) => a - b);
  pushes.sort((a, b) => a - b);
  console.log(`reconciler propagation: ${CLIENTS} concurrent long-polls x ${ROUNDS} rounds (local source, chokidar)`);
  console.log(`  git commit + push (CLI) alone:     p50 ${percentile(pushes, 50).toFixed(1)} ms`);
  console.log(`  push start -> client holds release: p50 ${percentile(all, 50).toFixed(1)} ms  p99 ${percentile(all, 99).toFixed(1)} ms  max ${all[all.length - 1]!.toFixed(1)} ms`);
} finally {
  agent.destroy();
  await rec.stop();
}

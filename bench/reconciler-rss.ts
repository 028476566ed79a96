// Memory: RSS of the reconciler process with 10,000 open long-polls.
// Run: node --import tsx bench/reconciler-rss.ts [polls]
import { get, keepAliveAgent } from './lib/reconciler-http.js';
import { startBenchReconciler } from './lib/reconciler-setup.js';
import { argNumber } from './lib/quick.js';

const POLLS = argNumber(0, 10_000, 200);

const rec = await startBenchReconciler();
const agent = keepAliveAgent();
const open = async (): Promise<number> => (JSON.parse((await get(`${rec.url}/healthz`, agent)).body) as { longPolls: number }).longPolls;
try {
  // Warm up the routes so the baseline includes compiled code, not just an idle process.
  for (let i = 0; i < 200; i++) await get(`${rec.url}/v1/channels/prod`, agent);
  global.gc?.();
  await new Promise((r) => setTimeout(r, 500));
  const before = await rec.rssKiB();
  const etag = `"${rec.head.digest}"`;
  const polls: Array<Promise<number>> = [];
  for (let i = 0; i < POLLS; i++) {
    polls.push(get(`${rec.url}/v1/channels/prod?wait=300`, agent, { 'if-none-match': etag }).then((r) => r.status));
    if (i % 500 === 499) await new Promise((r) => setTimeout(r, 10)); // do not flood the accept queue
  }
  while ((await open()) < POLLS) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 1000));
  const held = await rec.rssKiB();
  await rec.publishNext();
  const statuses = await Promise.all(polls);
  const ok = statuses.filter((s) => s === 200).length;
  console.log(`reconciler RSS: idle ${(before / 1024).toFixed(1)} MiB, with ${POLLS} open long-polls ${(held / 1024).toFixed(1)} MiB ` +
    `(+${((held - before) / 1024).toFixed(1)} MiB, ${(((held - before) * 1024) / POLLS / 1024).toFixed(1)} KiB per long-poll); ${ok}/${POLLS} released with 200 on one push`);
} finally {
  agent.destroy();
  await rec.stop();
}

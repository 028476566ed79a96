// Staged rollouts under load (DESIGN.md §12, issue 16): N simulated agents long-poll the real reconciler
// (its own process, `ogygia reconciler` from dist/, pinned to core 1) with ?host=, and post real reports
// over HTTP when they get a release. A release with 3 waves (10 %, 50 %, 100 %, soak S each) goes out;
// for each wave after the first this prints the delay between its condition becoming true (when
// the reconciler received the last report it waits for, its `lastSeen`, plus the soak; wall clock, same
// machine) and its hosts receiving the release (the answer reaching the simulated agent): the first host, and
// p50/max over the wave's hosts, with the ratio of that delay to the soak. No thresholds.
// Run: node --import tsx bench/rollout-waves.ts [--quick] [agents] [soakSeconds]   (npm run build first)
import type { Rollout } from '../core/rollout.js';
import { planWaves } from '../core/rollout.js';
import { canonicalHost } from '../core/host-identity.js';
import { askHead, postReport } from '../testkit/sim-agent.js';
import { percentile, startBenchReconciler } from './lib/reconciler-setup.js';
import { argNumber } from './lib/quick.js';

const AGENTS = argNumber(0, 1000, 50);
const SOAK = argNumber(1, 3, 1);
const ROLLOUT: Rollout = { waves: [{ percent: 10, soakSeconds: SOAK }, { percent: 50, soakSeconds: SOAK }, { percent: 100 }], maxFailures: 0 };

const rec = await startBenchReconciler({ cpu: 1 });
const hosts = Array.from({ length: AGENTS }, (_, i) => `host${String(i).padStart(5, '0')}`);
const stop = new AbortController();
try {
  const r1 = rec.head;
  const applied1 = { revision: r1.doc.release.revision, digest: r1.digest };
  // Every host reports in-sync on revision 1 first: the rollout's plan is made over the hosts known then.
  for (let i = 0; i < hosts.length; i += 100) {
    await Promise.all(hosts.slice(i, i + 100).map(async (host) => {
      const s = await postReport(rec.url, { host, channel: 'prod', state: 'applied', applied: applied1 });
      if (s !== 202) throw new Error(`report for ${host}: ${s}`);
    }));
  }
  const received = new Map<string, number>();
  let target = '';
  const agent = async (host: string): Promise<void> => {
    let etag = (await askHead(rec.url, 'prod', host)).etag;
    while (!stop.signal.aborted) {
      const r = await askHead(rec.url, 'prod', host, { etag, wait: 60, signal: stop.signal }).catch((e: unknown) => {
        if (stop.signal.aborted) return undefined;
        throw e;
      });
      if (!r || r.status === 304) continue;
      etag = r.etag;
      if (r.digest !== target) continue;
      received.set(host, Date.now());
      const s = await postReport(rec.url, { host, channel: 'prod', state: 'applied', applied: { revision: r.revision!, digest: r.digest! } });
      if (s !== 202) throw new Error(`report for ${host}: ${s}`);
      return;
    }
  };
  const running = hosts.map((h) => agent(h));
  // Let every agent settle into its long-poll before publishing.
  await new Promise((r) => setTimeout(r, 1000));
  const t0 = Date.now();
  const next = await rec.publishNext({ rollout: ROLLOUT });
  target = next.digest;
  const done = Promise.all(running);
  const deadline = setTimeout(() => stop.abort(), (ROLLOUT.waves.length * SOAK + 60) * 1000);
  await done.finally(() => clearTimeout(deadline));
  const allIn = Date.now();

  // When the reconciler received each host's in-sync report (its `lastSeen`: each host reports once on the new release).
  const rows = (await (await fetch(`${rec.url}/v1/hosts`)).json()) as { hosts: Array<{ host: string; lastSeen: string }> };
  const receivedAtRec = new Map(rows.hosts.map((r) => [r.host, Date.parse(r.lastSeen)]));
  // The reconciler's plan, recomputed with the same pure function over the same known hosts.
  const plan = planWaves(ROLLOUT, next.digest, hosts.map(canonicalHost));
  console.log(`rollout-waves: ${AGENTS} agents, 3 waves (10 %, 50 %, 100 %), soak ${SOAK} s; every host in-sync ${((allIn - t0) / 1000).toFixed(2)} s after the push`);
  console.log(`wave 1: ${plan[0]!.length} hosts, first received ${(Math.min(...plan[0]!.map((h) => received.get(h)!)) - t0).toFixed(0)} ms after the push (git push + fetch + select included)`);
  for (let k = 1; k < plan.length; k++) {
    const needed = plan.slice(0, k).flat();
    const condition = Math.max(...needed.map((h) => receivedAtRec.get(h)!)) + SOAK * 1000;
    const delays = plan[k]!.map((h) => received.get(h)! - condition).sort((a, b) => a - b);
    const first = delays[0]!;
    const p50 = percentile(delays, 50);
    const max = delays[delays.length - 1]!;
    console.log(
      `wave ${k + 1}: ${plan[k]!.length} hosts; from condition (the reconciler received the last needed report + soak) to receipt: first ${first.toFixed(1)} ms, ` +
        `p50 ${p50.toFixed(1)} ms, max ${max.toFixed(1)} ms; first/soak ${(first / (SOAK * 1000)).toFixed(4)}, max/soak ${(max / (SOAK * 1000)).toFixed(4)}`,
    );
  }
} finally {
  stop.abort();
  await rec.stop();
}

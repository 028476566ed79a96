// GET /v1/hosts on a reconciler whose reports live in etcd, with 10,000 hosts: the host view is kept in memory by
// an etcd watch (reconciler/reports/etcd-store.ts). Same run, same etcd: `etcdctl get --prefix` of the same keys
// (the peer), and what each request cost before the watch — read the whole prefix and parse every report — done
// here in-process with the same client. The reconciler runs in this process; requests are sequential.
// Run: node --import tsx bench/hosts-view.ts [hosts] [requests]      quick (CI): node --import tsx bench/hosts-view.ts --quick
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { execa } from 'execa';
import { latestPerHost, parseStoredReport, type StoredReport } from '../reconciler/reports/store.js';
import { reportsPrefix } from '../reconciler/reports/etcd-store.js';
import { createChannelsRepo } from '../testkit/channel-repo.js';
import { startEtcd } from '../testkit/etcd.js';
import { testKey } from '../testkit/keys.js';
import { requireProgram } from '../testkit/processes.js';
import { getJson, startTestReconciler } from '../testkit/reconciler-harness.js';
import { ReleaseChain } from '../testkit/release-chain.js';
import { makeTempDir } from '../testkit/tmp.js';
import { percentile } from './reconciler-setup.js';

const quick = process.argv.includes('--quick');
const args = process.argv.slice(2).filter((a) => a !== '--quick');
const HOSTS = Number(args[0] ?? (quick ? 1_000 : 10_000));
const REQUESTS = Number(args[1] ?? (quick ? 5 : 30));
const NS = '/bench';

const etcdctl = await requireProgram('etcdctl', 'etcd-client');
const tmp = await makeTempDir('ogygia-bench-hosts-');
const etcd = await startEtcd();
const client = new Etcd3({ hosts: [etcd.endpoint] });
const med = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
const p95 = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 95);
async function times(n: number, f: () => Promise<unknown>): Promise<number[]> {
  await f(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f();
    ms.push(performance.now() - t);
  }
  return ms;
}

try {
  const repo = await createChannelsRepo(tmp.path);
  const head = new ReleaseChain('prod', [testKey('test-only-ops-1')]).next();
  await repo.publish('prod', head.text);
  // 10,000 reports as the report route stores them, written straight into etcd 100 to a transaction (etcd's limit is 128).
  const prefix = reportsPrefix(NS);
  const at = new Date().toISOString();
  for (let from = 0; from < HOSTS; from += 100) {
    const puts = Array.from({ length: Math.min(100, HOSTS - from) }, (_, k) => {
      const host = `host${String(from + k).padStart(5, '0')}`;
      const stored: StoredReport = {
        report: {
          host, channel: 'prod', state: (from + k) % 100 === 0 ? 'failed' : 'applied', revision: 1, digest: head.digest, commit: null,
          current: 'a1b2c3d4e5f6', booted: 'a1b2c3d4e5f6', nextboot: 'a1b2c3d4e5f6', agentVersion: 'bench', reportedAt: at.replace(/\.\d+Z$/, 'Z'),
        },
        receivedAt: at,
      };
      return client.put(prefix + host).value(JSON.stringify(stored));
    });
    await client.if(prefix, 'Version', '>', -1).then(...puts).commit(); // always true: one transaction for the batch
  }
  const rec = await startTestReconciler({
    source: repo.bare,
    stateDir: join(tmp.path, 'state'),
    extra: { etcd: { endpoints: [etcd.endpoint], namespace: NS }, reports: { max_hosts: HOSTS * 2 } },
  });
  try {
    let bytes = 0;
    const view = await times(REQUESTS, async () => {
      const r = await fetch(`${rec.url}/v1/hosts`);
      bytes = (await r.arrayBuffer()).byteLength;
      if (r.status !== 200) throw new Error(`GET /v1/hosts: ${r.status}`);
    });
    const count = (await getJson(`${rec.url}/v1/hosts`)).body.hosts.length;
    if (count !== HOSTS) throw new Error(`GET /v1/hosts has ${count} hosts, expected ${HOSTS}`);
    const reread = await times(REQUESTS, async () => {
      const all = await client.getAll().prefix(prefix).strings();
      const out: StoredReport[] = [];
      for (const v of Object.values(all)) {
        const s = parseStoredReport(JSON.parse(v));
        if (s) out.push(s);
      }
      if (latestPerHost(out).size !== HOSTS) throw new Error('re-read lost reports');
    });
    const peer = await times(Math.min(REQUESTS, 10), async () => {
      const r = await execa(etcdctl, ['--endpoints', etcd.endpoint, 'get', '--prefix', prefix], { stdout: 'ignore' });
      if (r.exitCode !== 0) throw new Error('etcdctl failed');
    });
    console.log(`GET /v1/hosts with ${HOSTS} hosts in etcd (host view fed by an etcd watch): median ${med(view).toFixed(1)} ms, p95 ${p95(view).toFixed(1)} ms, ${(bytes / 1024).toFixed(0)} KiB (${REQUESTS} sequential requests)`);
    console.log(`  before the watch, each request re-read and parsed the prefix: median ${med(reread).toFixed(1)} ms for that part alone`);
    console.log(`  peer: etcdctl get --prefix of the same ${HOSTS} keys: median ${med(peer).toFixed(1)} ms; ratio GET /v1/hosts / etcdctl ${(med(view) / med(peer)).toFixed(2)}`);
    console.log(`  target (issue 18): <= 50 ms at 10,000 hosts: ${HOSTS >= 10_000 ? (med(view) <= 50 ? 'met' : 'NOT met') : 'not measured in quick mode'}`);
  } finally {
    await rec.stop();
  }
} finally {
  client.close();
  await etcd.stop();
  await tmp.cleanup();
}

// Benchmark: `ogygia status` end to end over a 10,000-host fleet, as a ratio
// to a plain client listing of the same keys, measured in the same run.
//
//   node --import tsx bench/status-stores.ts [hosts=10000] [runs=5]
//
// start-up:  `./bin/ogygia --help`  vs  `node -e 0`
// etcd:      `./bin/ogygia status`  vs  `etcdctl get --prefix /nixos/versions/` (ETCDCTL_API=3)
// ZooKeeper: `./bin/ogygia status`  vs  `zkCli.sh ls -R /nixos/versions` (JVM, names only)
//                                   and a Node one-shot that reads every value (node-zookeeper-client)
// Everything it starts (etcd, ZooKeeper) it stops by PID at the end.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { execa } from 'execa';
import { openZooKeeperStore } from '../core/fleet/zookeeper-store.js';
import { startEtcd } from '../testkit/etcd.js';
import { makeStatusRoot } from '../testkit/status-root.js';
import { makeTempDir } from '../testkit/tmp.js';
import { startZooKeeper } from '../testkit/zookeeper.js';
import { argNumber, QUICK } from './lib/quick.js';

const HOSTS = argNumber(0, 10_000, 200);
const RUNS = argNumber(1, 5, 1);
const REPO = join(import.meta.dirname, '..');
const NS = '/nixos/versions';
const rev = (i: number, k: number) => ((i * 2654435761 + k) >>> 0).toString(16).padStart(8, '0') + 'abcd';
const host = (i: number) => `host${String(i).padStart(5, '0')}.dc${i % 7}.example.com`;

async function median(label: string, cmd: string, args: string[], env: NodeJS.ProcessEnv, check: (out: string) => void): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const r = await execa(cmd, args, { env, reject: false, maxBuffer: 512 * 1024 * 1024 });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.exitCode !== 0) throw new Error(`${label} failed (${r.exitCode}): ${String(r.stderr).slice(0, 500)}`);
    check(String(r.stdout));
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  const m = times[Math.floor(times.length / 2)]!;
  console.log(`  ${label.padEnd(34)} median ${m.toFixed(0).padStart(6)} ms  (runs: ${times.map((t) => t.toFixed(0)).join(', ')})`);
  return m;
}

async function pool<T>(items: T[], n: number, f: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await f(items[next++]!);
  }));
}

const tmp = await makeTempDir('ogygia-bench-status-');
const root = await makeStatusRoot({ current: 'a1b2c3d4e5f6a7b8', booted: 'a1b2c3d4e5f6a7b8', nextboot: 'g7h8i9j0k1l2' });
const indices = Array.from({ length: HOSTS }, (_, i) => i);
const lines = (out: string) => out.split('\n').length;
const results: Record<string, number> = {};
if (!QUICK) await execa('npm', ['run', '--silent', 'build'], { cwd: REPO }); // npm run bench:quick builds once first

// Start-up alone: `ogygia --help` (every command declared, none loaded) against a bare `node -e 0`.
{
  const help = await median('ogygia --help', join(REPO, 'bin/ogygia'), ['--help'], process.env, (o) => {
    if (!o.includes('status')) throw new Error('ogygia --help did not list the commands');
  });
  const bare = await median('node -e 0', process.execPath, ['-e', '0'], process.env, () => {});
  results.help = help / bare;
  console.log(`  ratio ogygia --help / bare node: ${(help / bare).toFixed(2)} (ogygia's own start-up ${(help - bare).toFixed(0)} ms)`);
}

const etcd = await startEtcd();
try {
  console.log(`etcd: ${HOSTS} hosts x 3 keys`);
  const raw = new Etcd3({ hosts: etcd.endpoint });
  await pool(indices, 64, async (i) => {
    await raw.put(`${NS}/${host(i)}/current`).value(rev(i, 0));
    await raw.put(`${NS}/${host(i)}/booted`).value(rev(i, 1));
    await raw.put(`${NS}/${host(i)}/nextboot`).value(rev(i, 2));
  });
  raw.close();
  const cfg = join(tmp.path, 'etcd.toml');
  await writeFile(cfg, `[ogygia]\ndomain = "example.com"\n[ogygia.etcd]\nendpoints = ["${etcd.endpoint}"]\n`);
  const env = { ...process.env, OGYGIA_ROOT: root.path, OGYGIA_CONFIG: cfg, OGYGIA_HOSTNAME: 'local.example.com' };
  const ours = await median('ogygia status (etcd)', join(REPO, 'bin/ogygia'), ['status'], env, (o) => {
    if (lines(o) !== HOSTS + 4) throw new Error(`ogygia status printed ${lines(o)} lines`);
  });
  const peer = await median('etcdctl get --prefix', 'etcdctl', ['--endpoints', etcd.endpoint, 'get', '--prefix', `${NS}/`], { ...process.env, ETCDCTL_API: '3' }, (o) => {
    if (lines(o) < HOSTS * 6) throw new Error(`etcdctl printed ${lines(o)} lines`);
  });
  results.etcd = ours / peer;
  console.log(`  ratio ogygia/etcdctl: ${(ours / peer).toFixed(2)}`);
} finally {
  await etcd.stop();
}

const zk = await startZooKeeper();
try {
  console.log(`ZooKeeper: ${HOSTS} hosts x 3 znodes`);
  const store = openZooKeeperStore({ endpoints: [zk.endpoint], namespace: NS, timeoutSeconds: 120 });
  await pool(indices, 64, (i) => store.publish(host(i), { current: rev(i, 0), booted: rev(i, 1), nextboot: rev(i, 2) }));
  await store.close();
  const cfg = join(tmp.path, 'zk.toml');
  await writeFile(cfg, `[ogygia]\ndomain = "example.com"\n[ogygia.zookeeper]\nendpoints = ["${zk.endpoint}"]\ntimeout_seconds = 60\n`);
  const env = { ...process.env, OGYGIA_ROOT: root.path, OGYGIA_CONFIG: cfg, OGYGIA_HOSTNAME: 'local.example.com' };
  const ours = await median('ogygia status (ZooKeeper)', join(REPO, 'bin/ogygia'), ['status'], env, (o) => {
    if (lines(o) !== HOSTS + 4) throw new Error(`ogygia status printed ${lines(o)} lines`);
  });
  const zkCli = await median('zkCli.sh ls -R', '/usr/share/zookeeper/bin/zkCli.sh', ['-server', zk.endpoint, 'ls', '-R', NS], { ...process.env, ZOO_LOG_DIR: tmp.path, ZOOCFGDIR: '/etc/zookeeper/conf' }, (o) => {
    if (!o.includes(`${NS}/${host(HOSTS - 1)}/nextboot`)) throw new Error('zkCli.sh did not list every znode');
  });
  // A plain Node client that reads every value, pipelined, with no CLI around it.
  const oneShot = `
    import zk from 'node-zookeeper-client';
    const c = zk.createClient(process.argv[1]); const ns = process.argv[2];
    c.once('connected', () => c.getChildren(ns, (e, hosts) => {
      if (e) throw e; let left = hosts.length * 3; const out = [];
      for (const h of hosts) for (const k of ['current', 'booted', 'nextboot'])
        c.getData(ns + '/' + h + '/' + k, (err, d) => { out.push(h + '/' + k + ' ' + (d ? d.toString() : '')); if (--left === 0) { process.stdout.write(out.join('\\n') + '\\n'); c.close(); } });
    }));
    c.connect();`;
  const node = await median('node one-shot getData (all)', process.execPath, ['--input-type=module', '-e', oneShot, zk.endpoint, NS], { ...process.env, NODE_PATH: join(REPO, 'node_modules') }, (o) => {
    if (lines(o) < HOSTS * 3) throw new Error(`node one-shot printed ${lines(o)} lines`);
  });
  results.zkCli = ours / zkCli;
  results.zkNode = ours / node;
  console.log(`  ratio ogygia/zkCli.sh: ${(ours / zkCli).toFixed(2)}   ratio ogygia/node one-shot: ${(ours / node).toFixed(2)}`);
} finally {
  await zk.stop();
  await root.cleanup();
  await tmp.cleanup();
}
console.log(JSON.stringify({ hosts: HOSTS, runs: RUNS, ratios: results }));

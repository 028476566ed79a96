import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { channelListSchema } from '../../core/wire/channel-list.js';
import { hostsResponseSchema, type HostRow } from '../../core/wire/host-row.js';
import { buildSystemClosure } from '../../testkit/nix.js';
import { FleetLab } from './fleet-lab.js';

/**
 * The whole loop on one machine, shared by `npm run demo` (which prints it)
 * and test/e2e.test.ts (which asserts it):
 *   1. signing keys and a channels repository
 *   2. system closures built with Nix, signed, served by irisd
 *   3. release 1 published (a git commit) and pushed
 *   4. a reconciler on that repository and three agents that apply it
 *   5. release 2 on a branch, approved, verified, merged; agents apply it
 *   6. release 3 in waves with db01 as the canary: its health check fails there, db01 rolls back, the rollout
 *      halts and web01 and web02 are never served it
 *   7. the fleet as `ogygia status` sees it
 */
export const HOSTS = ['web01', 'web02', 'db01'] as const;
export type Host = (typeof HOSTS)[number];

/** A row of GET /v1/hosts (core/wire/host-row.ts). */
export type { HostRow };

export interface StepReport {
  step: number;
  title: string;
  detail: string[];
}

export interface ScenarioResult {
  reconcilerUrl: string;
  irisdUrl: string;
  etcdEndpoint: string;
  revisions: { source: string[]; installed: string; closures: Record<string, string> };
  afterRelease1: HostRow[];
  afterRelease2: HostRow[];
  afterRelease3: HostRow[];
  /** `ogygia rollout status --channel prod` after release 3 halted (exit 3: a rollout is halted). */
  rolloutStatus: string;
  verifyBefore: { code: number; out: string };
  verifyAfter: { code: number; out: string };
  statusOut: string;
  statusWide: string;
  statusJson: unknown;
  roots: Record<Host, string>;
}

const SRC = ['1111111111111111111111111111111111111111', '2222222222222222222222222222222222222222', '3333333333333333333333333333333333333333'];
/** The system each host was installed with (booted before Ogygia touched it). */
const INSTALLED = '0000000000000000000000000000000000000000';

export async function runScenario(lab: FleetLab, say: (r: StepReport) => void): Promise<ScenarioResult> {
  const W = lab.dir;
  const salt = `${process.pid}-${Date.now()}`;
  const step = (n: number, title: string, detail: string[] = []) => say({ step: n, title, detail });

  // 1. Keys and a channels repository (a bare "git server" and the operator's clone).
  const pub1 = (await lab.ogygia(['keygen', '--name', 'ops-1', '--out', join(W, 'keys/ops-1.key')])).out.trim();
  const pub2 = (await lab.ogygia(['keygen', '--name', 'ops-2', '--out', join(W, 'keys/ops-2.key')])).out.trim();
  const cacheSecret = await lab.nix('nix', ['key', 'generate-secret', '--key-name', 'demo-cache-1']);
  await lab.write('keys/cache.key', cacheSecret);
  const cachePub = (await execa('nix', ['key', 'convert-secret-to-public'], { input: cacheSecret, env: lab.env() })).stdout.trim();
  lab.trustedKeys.push(cachePub); // every agent the lab starts trusts the demo's cache
  const bare = join(W, 'git/channels.git');
  await mkdir(bare, { recursive: true });
  await execa('git', ['init', '-q', '--bare', '-b', 'main', bare]);
  const work = join(W, 'operator/channels');
  await execa('git', ['clone', '-q', bare, work]);
  // The policy names the cache key too, so `verify --base` can believe the cache's closures and diff them.
  await writeFile(join(work, 'ogygia.toml'), `[channels.prod]\nkeys = ["${pub1}", "${pub2}"]\nthreshold = 1\n[cache]\ntrusted_keys = ["${cachePub}"]\n`);
  await lab.git(work, 'add', 'ogygia.toml');
  await lab.git(work, 'commit', '-qm', 'trust policy: ops-1 and ops-2, one signature');
  step(1, 'signing keys and a channels repository', [`ops-1 ${pub1}`, `ops-2 ${pub2}`, `channels repository ${bare}`]);

  // 2. Closures built with Nix, moved into irisd's store, signed there, removed from the system store.
  const nixDir = join(W, 'nix');
  // Versioned packages and a kernel, so release 2's closure diff says something real:
  // A → B upgrades openssl and adds curl (no reboot); C also moves the kernel to 6.6.2.
  const base = ['glibc-2.38', 'bash-5.2'];
  const spec: [string, string, boolean, string[], string][] = [
    ['A', SRC[0]!, true, [...base, 'openssl-3.0.12'], '6.6.1'],
    ['B', SRC[1]!, true, [...base, 'openssl-3.0.13', 'curl-8.1.0'], '6.6.1'],
    ['C', SRC[2]!, true, [...base, 'openssl-3.0.13', 'curl-8.1.0'], '6.6.2'],
    ['Cbad', SRC[2]!, false, [...base, 'openssl-3.0.13', 'curl-8.1.0'], '6.6.2'],
  ];
  // Fake NixOS systems without nixpkgs (the same builder the tests use): a switch script and a health marker.
  const closures: Record<string, string> = {};
  for (const [name, revision, healthy, packages, kernel] of spec) {
    // One system name for all, as NixOS keeps `nixos-system-<host>-<version>` across configuration changes.
    closures[name] = await buildSystemClosure(nixDir, { name: 'nixos-system-demo-24.05', revision, healthy, salt, packages, kernel });
  }
  // The installed system stays in the system store: each host booted it before the demo.
  const installed = await buildSystemClosure(nixDir, { name: 'nixos-system-demo-installed', revision: INSTALLED, salt });
  const cacheStore = join(W, 'cache-store');
  const paths = Object.values(closures);
  await lab.nix('nix', ['copy', '--no-check-sigs', '--to', `local?root=${cacheStore}`, ...paths]);
  await lab.nix('nix', ['store', 'sign', '--store', `local?root=${cacheStore}`, '--key-file', join(W, 'keys/cache.key'), '-r', ...paths]);
  const closurePaths = (await lab.nix('nix-store', ['-qR', ...paths])).split('\n').filter(Boolean);
  await lab.nix('nix', ['store', 'delete', ...closurePaths]).catch(() => '');
  const irisdPort = await lab.port();
  const irisdUrl = `http://127.0.0.1:${irisdPort}`;
  await lab.write(
    'irisd.toml',
    `[server]\nlisten = ["127.0.0.1:${irisdPort}"]\n[store]\nroot = "${cacheStore}"\n[trust]\ntrusted_keys = ["${cachePub}"]\n[cache]\ndir = "${join(W, 'irisd-cache')}"\n`,
  );
  await lab.daemon('irisd', ['irisd', '--config', join(W, 'irisd.toml')], { port: irisdPort });
  await lab.until('irisd to index the closures', async () => {
    const r = await fetch(`${irisdUrl}/${closures.A!.slice(11, 43)}.narinfo`);
    return r.ok ? true : undefined;
  });
  step(2, 'system closures built with Nix and served by irisd', [...Object.entries(closures).map(([k, v]) => `${k.padEnd(4)} ${v}`), `irisd ${irisdUrl} (signed by ${cachePub.split(':')[0]})`]);

  // 3. Release 1: every host gets A. A git commit, pushed.
  const key1 = join(W, 'keys/ops-1.key');
  const key2 = join(W, 'keys/ops-2.key');
  const p1 = await lab.ogygia(['publish', '--repo', work, '--channel', 'prod', '--key', key1, '--store-path', closures.A!, '--source-revision', SRC[0]!, '--substituter', irisdUrl, '--expires', '30d', '--push']);
  step(3, 'release 1 published with `ogygia publish --push`', p1.out.split('\n'));

  // 4. etcd, the reconciler on the bare repository, three agents with separate roots.
  const etcd = await lab.startEtcd();
  const recPort = await lab.port();
  const reconcilerUrl = `http://127.0.0.1:${recPort}`;
  await lab.write(
    'reconciler.toml',
    `source = "${bare}"\nbranch = "main"\nlisten = "127.0.0.1:${recPort}"\nstate_dir = "${join(W, 'state/reconciler')}"\npoll_interval_seconds = 30\n[trust]\nkeys = ["${pub1}", "${pub2}"]\nthreshold = 1\n`,
  );
  await lab.daemon('reconciler', ['reconciler', '--config', join(W, 'reconciler.toml')], { port: recPort });
  const roots = {} as Record<Host, string>;
  for (const host of HOSTS) {
    const root = join(W, 'hosts', host);
    roots[host] = root;
    await mkdir(join(root, 'run'), { recursive: true });
    await mkdir(join(root, 'nix/var/nix/profiles'), { recursive: true });
    // Installed and booted: current, booted and the system profile all point at the installed system.
    await symlink(installed, join(root, 'run/current-system'));
    await symlink(installed, join(root, 'run/booted-system'));
    await lab.nix('nix-env', ['-p', join(root, 'nix/var/nix/profiles/system'), '--set', installed]);
    await lab.write(
      `agents/${host}.toml`,
      [
        `host = "${host}"`,
        'channel = "prod"',
        `source = "${reconcilerUrl}"`,
        'poll_interval_seconds = 5',
        'wait_seconds = 20',
        `state_dir = "${join(W, 'state', host)}"`,
        '[trust]',
        `keys = ["${pub1}", "${pub2}"]`,
        'threshold = 1',
        '[nix]',
        `substituters = ["${irisdUrl}"]`,
        '[health]',
        'command = \'test "$(cat "$OGYGIA_ROOT/run/current-system/health")" = healthy\'',
        'timeout_seconds = 20',
        '[etcd]',
        `endpoints = ["${etcd.endpoint}"]`,
        'namespace = "/nixos/versions"',
        'timeout_seconds = 5',
        '',
      ].join('\n'),
    );
    await lab.daemon(`agent-${host}`, ['agent', '--config', join(W, `agents/${host}.toml`)], {
      env: { OGYGIA_ROOT: root },
    });
  }
  const hosts = async (): Promise<HostRow[]> => {
    const r = await fetch(`${reconcilerUrl}/v1/hosts`);
    return hostsResponseSchema.parse(await r.json()).hosts;
  };
  const settled = (rev: number, want: (h: HostRow) => boolean) =>
    lab.until(`all hosts to settle on revision ${rev}`, async () => {
      const rows = await hosts();
      return rows.length === HOSTS.length && rows.every((h) => h.desired?.revision === rev && want(h)) ? rows : undefined;
    }, 120_000);
  const afterRelease1 = await settled(1, (h) => h.state === 'in-sync');
  step(4, 'reconciler and three agents: release 1 applied', [`reconciler ${reconcilerUrl}`, ...afterRelease1.map((h) => `${h.host.padEnd(6)} ${h.state} (revision ${h.applied.revision})`)]);

  // 5. Release 2 on a branch, approved by a second key, verified against main, merged and pushed.
  await lab.git(work, 'switch', '-q', '-c', 'release-2');
  await lab.ogygia(['publish', '--repo', work, '--channel', 'prod', '--key', key1, '--store-path', closures.B!, '--source-revision', SRC[1]!]);
  await writeFile(join(W, 'policy-2.toml'), `[channels.prod]\nkeys = ["${pub1}", "${pub2}"]\nthreshold = 2\n[cache]\ntrusted_keys = ["${cachePub}"]\n`);
  const verifyBefore = await lab.ogygia(['verify', '--repo', work, '--base', 'main', '--trust', join(W, 'policy-2.toml')], { check: false });
  await lab.ogygia(['approve', '--repo', work, '--channel', 'prod', '--key', key2]);
  const verifyAfter = await lab.ogygia(['verify', '--repo', work, '--base', 'main', '--trust', join(W, 'policy-2.toml'), '--check-cache'], { check: false });
  await lab.git(work, 'switch', '-q', 'main');
  await lab.git(work, 'merge', '-q', '--no-ff', '-m', 'Merge release 2 (approved by ops-1 and ops-2)', 'release-2');
  await lab.git(work, 'push', '-q', 'origin', 'main');
  const afterRelease2 = await settled(2, (h) => h.state === 'in-sync');
  // What the reviewer reads: the checks, then the closure diff of the transition, as `verify --base` prints it.
  const verifyLines = verifyAfter.out.split('\n');
  step(5, 'release 2: branch → approve → verify --base main → merge; applied', [
    ...verifyLines.filter((l) => /^\s+ok\s|^verify: HEAD/.test(l)),
    ...verifyLines.slice(verifyLines.indexOf('impact:')),
    ...afterRelease2.map((h) => `${h.host.padEnd(6)} ${h.state} (revision ${h.applied.revision})`),
  ]);

  // 6. Release 3 goes out in waves, db01 the canary. db01 gets a system whose health check fails: it rolls back to
  //    release 2's system, the rollout halts, and web01 and web02 are never served release 3.
  const p3 = await lab.ogygia([
    'publish', '--repo', work, '--channel', 'prod', '--key', key1, '--target', `*=${closures.C!}`, '--target', `db01=${closures.Cbad!}`,
    '--source-revision', SRC[2]!, '--wave', 'db01:5', '--wave', '100%', '--max-failures', '0', '--push',
  ]);
  const afterRelease3 = await lab.until('db01 to roll back and the rollout of revision 3 to halt', async () => {
    const rows = await hosts();
    const rollout = channelListSchema.parse(await (await fetch(`${reconcilerUrl}/v1/channels`)).json()).channels.find((c) => c.name === 'prod')?.rollout;
    const ok = rows.length === HOSTS.length && rollout?.state === 'halted' &&
      rows.every((h) => (h.host === 'db01' ? h.state === 'rolled-back' && h.desired?.revision === 3 : h.state === 'in-sync' && h.desired?.revision === 2));
    return ok ? rows : undefined;
  }, 120_000);
  const rolloutStatus = (await lab.ogygia(['rollout', 'status', '--channel', 'prod', '--reconciler', reconcilerUrl], { check: false })).out;
  step(6, 'release 3 in waves, db01 first: db01 fails its health check and rolls back, the rollout halts', [
    ...p3.out.split('\n').filter((l) => l.includes('rollout')),
    ...afterRelease3.map((h) =>
      h.host === 'db01'
        ? `${h.host.padEnd(6)} ${h.state}: revision 3 failed (${h.error?.code ?? 'no error'}), back on revision ${h.applied.revision}`
        : `${h.host.padEnd(6)} ${h.state} on revision ${h.applied.revision}: revision 3 never sent (the rollout halted)`,
    ),
    ...rolloutStatus.split('\n'),
  ]);

  // 7. The fleet as `ogygia status` sees it, from etcd, on web01.
  const statusCfg = await lab.write('status.toml', `[ogygia.etcd]\nendpoints = ["${etcd.endpoint}"]\nnamespace = "/nixos/versions"\ntimeout_seconds = 5\n`);
  const statusEnv = { OGYGIA_CONFIG: statusCfg, OGYGIA_HOSTNAME: 'web01', OGYGIA_ROOT: roots.web01 };
  const statusOut = (await lab.ogygia(['status'], { env: statusEnv })).out;
  const statusJson = JSON.parse((await lab.ogygia(['status', '--json'], { env: statusEnv })).out);
  const statusWide = (await lab.ogygia(['status', '--wide'], { env: statusEnv })).out;
  step(7, 'the fleet, as `ogygia status` shows it (from etcd)', [...statusOut.split('\n'), `dashboard: ${reconcilerUrl}/`]);

  return {
    reconcilerUrl,
    irisdUrl,
    etcdEndpoint: etcd.endpoint,
    revisions: { source: SRC, installed, closures },
    afterRelease1,
    afterRelease2,
    afterRelease3,
    rolloutStatus,
    verifyBefore,
    verifyAfter,
    statusOut,
    statusWide,
    statusJson,
    roots,
  };
}

export async function readSwitchLog(root: string): Promise<string[]> {
  return (await readFile(join(root, 'switch.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean);
}

import { execa } from 'execa';
import { chmod, cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseToml } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nixEnv } from '../../testkit/nix.js';
import { makeTempDir } from '../../testkit/tmp.js';
import { findNixpkgsLib, NO_NIXPKGS_LIB, VENDORED_NIXPKGS_LIB } from './nixpkgs-lib.js';

// `npm run test:nixos`: the NixOS modules evaluated by nixpkgs' own module
// system (lib.evalModules), as flake.nix exports them, with the NixOS options
// they set declared as NixOS declares them and a small `pkgs` stand-in
// (nix/tests/eval/). Each configuration in nix/tests/eval/cases.nix is
// evaluated with `nix-instantiate --eval --strict --json` and checked here:
// the units (ExecStart, LoadCredential, hardening), the firewall, nix.settings,
// the generated TOML read back from the store, the build-time config check,
// and each assertion the modules declare. Generated configs are also run
// through the real CLI's `--check-config`, as `nixos-rebuild` would.
// Not in `npm test`: it needs nixpkgs' lib (see ./nixpkgs-lib.ts).

const repo = fileURLToPath(new URL('../..', import.meta.url));
const packageVersion = (JSON.parse(await readFile(join(repo, 'package.json'), 'utf8')) as { version: string }).version;

type Toml = { [k: string]: unknown };

interface Generated {
  /** The file the unit names (the checked config, or the raw one when the check is skipped). */
  path: string;
  /** The file the build-time check reads. */
  unchecked: string;
  /** The check's build script; null when the check is skipped (cross-compiling). */
  checkScript: string | null;
  text: string;
  /** `text` read back with builtins.fromTOML. */
  toml: Toml;
}

interface Unit {
  wantedBy: string[];
  requiredBy: string[];
  restartIfChanged: boolean;
  stopIfChanged: boolean;
  startAt: string[];
  path: string[];
  environment: Record<string, string | null>;
  serviceConfig: Record<string, unknown>;
  unitConfig: Record<string, unknown>;
}

interface Summary {
  failedAssertions: string[];
  assertionCount: number;
  warnings: string[];
  hostName: string;
  package: { path: string; name: string; exe: string };
  services: Record<string, Unit>;
  timers: Record<string, { wantedBy: string[]; timerConfig: Record<string, unknown> }>;
  firewall: { allowedTCPPorts: number[]; allowedUDPPorts: number[] };
  nixSettings: Record<string, unknown>;
  systemPackages: { name: string; path: string; text: string | null; destination: string | null; buildCommand: string | null }[];
  pathsToLink: string[];
  activationScripts: Record<string, { text: string; deps: string[]; supportsDryActivation: boolean }>;
  generated: Record<string, Generated>;
}

interface Assertions {
  failedAssertions: string[];
  warnings: string[];
}

let nixpkgsLib = '';

type Evaluated = { ok: true; value: unknown; stderr: string } | { ok: false; stderr: string };

/** Evaluate one case of `<root>/nix/tests/eval` (root: this checkout, or a mutated copy). */
async function evaluate(root: string, name: string): Promise<Evaluated> {
  const r = await execa(
    'nix-instantiate',
    ['--eval', '--strict', '--json', '--read-write-mode', join(root, 'nix/tests/eval'), '--argstr', 'nixpkgsLib', nixpkgsLib, '-A', name],
    { env: nixEnv(), reject: false },
  );
  const stderr = String(r.stderr);
  return r.exitCode === 0 ? { ok: true, value: JSON.parse(String(r.stdout)), stderr } : { ok: false, stderr };
}

const evaluated = new Map<string, Promise<unknown>>();

/** A case of this checkout, evaluated once per run; it must evaluate without a word on stderr (no lib.warn, no trace). */
function evalCase<T>(name: string): Promise<T> {
  let p = evaluated.get(name);
  if (!p) {
    p = evaluate(repo, name).then((r) => {
      if (!r.ok) throw new Error(`nix/tests/eval: ${name} does not evaluate:\n${r.stderr}`);
      if (r.stderr.trim() !== '') throw new Error(`nix/tests/eval: ${name} printed warnings while evaluating:\n${r.stderr}`);
      return r.value;
    });
    evaluated.set(name, p);
  }
  return p as Promise<T>;
}

const summaryOf = (name: string) => evalCase<Summary>(name);

/** A unit's command line as systemd splits it (the values here hold no quotes or spaces). */
const argv = (command: unknown): string[] => String(command).trim().split(/\s+/);

/** The command the build-time check runs: `if ! <command>; then` in its build script. */
function checkCommand(script: string): string[] {
  const m = /^if ! (.+); then$/m.exec(script);
  if (!m) throw new Error(`no check command in:\n${script}`);
  return argv(m[1]).map((w) => w.replace(/^'(.*)'$/, '$1'));
}

/** The names a config gives to `/run/credentials/<unit>.service/<name>`. */
function credentialsNamedIn(text: string, unit: string): string[] {
  const re = new RegExp(`/run/credentials/${unit.replace(/[.-]/g, '\\$&')}\\.service/([A-Za-z0-9_-]+)`, 'g');
  return [...new Set([...text.matchAll(re)].map((m) => m[1]!))].sort();
}

function loadCredential(unit: Unit): string[] {
  const v = unit.serviceConfig.LoadCredential;
  return v === undefined ? [] : (v as string[]);
}

const credentialNames = (unit: Unit): string[] => loadCredential(unit).map((c) => c.slice(0, c.indexOf(':'))).sort();

function service(s: Summary, name: string): Unit {
  const unit = s.services[name];
  expect(unit, `no systemd.services.${name}; there are: ${Object.keys(s.services).join(', ')}`).toBeDefined();
  return unit!;
}

function generated(s: Summary, name: string): Generated {
  const g = s.generated[name];
  expect(g, `no system.build.${name}; there are: ${Object.keys(s.generated).join(', ')}`).toBeDefined();
  return g!;
}

/** The generated file is valid TOML that reads the same with smol-toml as with builtins.fromTOML. */
function checkToml(g: Generated): void {
  expect(parseToml(g.text)).toEqual(g.toml);
}

/**
 * The build-time check: `<exe> <command...> --check-config <unchecked>`, then the
 * unchecked file becomes the config; with no check (cross-compiling) the unit
 * names the unchecked file itself.
 */
function checkBuildCheck(s: Summary, g: Generated, command: string[]): void {
  if (g.checkScript === null) {
    expect(g.path).toBe(g.unchecked);
    return;
  }
  expect(g.path).not.toBe(g.unchecked);
  expect(checkCommand(g.checkScript)).toEqual([s.package.exe, ...command, '--check-config', g.unchecked]);
  expect(g.checkScript).toContain(`cp ${g.unchecked} $out\n`);
}

const configOf = { agent: 'ogygiaAgentConfig', reconciler: 'ogygiaReconcilerConfig', irisd: 'ogygiaIrisdConfig' } as const;
type Daemon = keyof typeof configOf;

/**
 * A daemon's unit runs `<exe> <daemon> --config <its checked config>`, the
 * config passed the build-time check, and every credential the config names
 * is one the unit loads (and no other).
 */
function checkDaemon(s: Summary, daemon: Daemon): { unit: Unit; config: Generated } {
  const unit = service(s, `ogygia-${daemon}`);
  const config = generated(s, configOf[daemon]);
  expect(argv(unit.serviceConfig.ExecStart), `ogygia-${daemon} ExecStart`).toEqual([s.package.exe, daemon, '--config', config.path]);
  checkBuildCheck(s, config, [daemon]);
  checkToml(config);
  expect(credentialNames(unit), `ogygia-${daemon}: LoadCredential names and the credentials its config names`).toEqual(
    credentialsNamedIn(config.text, `ogygia-${daemon}`),
  );
  return { unit, config };
}

/** The status config.toml: checked with `ogygia status`, installed under share/ogygia when there is one. */
function checkStatusConfig(s: Summary, installed: boolean): Generated {
  const config = generated(s, 'ogygiaConfig');
  checkBuildCheck(s, config, ['status']);
  checkToml(config);
  const dir = s.systemPackages.find((p) => p.name === 'ogygia-config');
  if (installed) {
    expect(dir?.buildCommand).toContain(`cp ${config.path} $out/share/ogygia/config.toml`);
    expect(s.pathsToLink).toContain('/share/ogygia');
  } else {
    expect(dir).toBeUndefined();
  }
  return config;
}

function buildRevision(s: Summary): string | null {
  const p = s.systemPackages.find((x) => x.destination === '/share/ogygia/build-revision');
  return p ? p.text : null;
}

function clean(s: Summary | Assertions): void {
  expect(s.failedAssertions).toEqual([]);
  expect(s.warnings).toEqual([]);
}

const credential = (unit: string, name: string) => `/run/credentials/${unit}.service/${name}`;

// The hardening of the network daemons (nix/modules/lib.nix), as STYLE.md asks of a nixpkgs module.
const HARDENING = {
  DynamicUser: true,
  NoNewPrivileges: true,
  CapabilityBoundingSet: '',
  AmbientCapabilities: '',
  ProtectSystem: 'strict',
  ProtectHome: true,
  PrivateTmp: true,
  PrivateDevices: true,
  RestrictAddressFamilies: ['AF_INET', 'AF_INET6', 'AF_UNIX'],
  RestrictNamespaces: true,
  RestrictSUIDSGID: true,
  LockPersonality: true,
  // Node's JIT needs W+X pages.
  MemoryDenyWriteExecute: false,
  SystemCallArchitectures: 'native',
  SystemCallFilter: ['@system-service', '~@privileged', '~@resources'],
  UMask: '0077',
};

const OPS_KEYS = ['ops-test-1:2hmGD3UYvY9N+QUchNOvlvEpo2adUroXmoeewYeYoQw=', 'ops-test-2:Xuh9U3MITtchkXJjtZyv3WijQelOw2w38rDCbF5OEKo='];
const IRIS_KEY = 'iris-peer1-test-1:BdbYyg+hdgXrlUr7H4kC9FD4mEWOvPTi5+ZuApo3cTQ=';
const NIXOS_CACHE_KEY = 'cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=';
const REVISION = '0123456789abcdef0123456789abcdef01234567';

// Each assertion the modules declare, made to fail alone by a case in cases.nix.
const storeMessage = (option: string) =>
  `${option} is in the Nix store, which every user can read; keep the secret outside it (e.g. /run/secrets/...) and name that path.`;
const ASSERTIONS: ReadonlyArray<readonly [string, string]> = [
  ['assert-zookeeper-endpoints', 'ogygia.zookeeper.enable is set but ogygia.zookeeper.endpoints is empty; list at least one "host:2181".'],
  ['assert-etcd-password-in-store', storeMessage('ogygia.etcd.passwordFile')],
  ['assert-etcd-key-in-store', storeMessage('ogygia.etcd.keyFile')],
  ['assert-zookeeper-auth-in-store', storeMessage('ogygia.zookeeper.authFile')],
  ['assert-agent-threshold', 'ogygia.agent.settings.trust.threshold is 3 but only 2 key(s) are in ogygia.agent.settings.trust.keys.'],
  ['assert-report-store', 'ogygia.report.enable needs somewhere to publish: set ogygia.etcd.endpoints or enable ogygia.zookeeper.'],
  ['assert-reconciler-threshold', 'ogygia.reconciler.settings.trust.threshold is 2 but only 1 key(s) are in ogygia.reconciler.settings.trust.keys.'],
  ['assert-irisd-listen', 'ogygia.irisd.settings.server.listen is empty and ogygia.nebula.ipv4 is not set; irisd needs an address to listen on.'],
  ['assert-agent-token-in-store', storeMessage('ogygia.agent.reportTokenFile')],
  ['assert-reconciler-webhook-in-store', storeMessage('ogygia.reconciler.webhookSecretFile')],
  ['assert-reconciler-report-token-in-store', storeMessage('ogygia.reconciler.reportTokenFiles')],
  ['assert-reconciler-etcd-password-in-store', storeMessage('ogygia.reconciler.etcd.passwordFile')],
  ['assert-reconciler-etcd-key-in-store', storeMessage('ogygia.reconciler.etcd.keyFile')],
  ['assert-irisd-key-in-store', storeMessage('ogygia.irisd.signingKeyFile')],
];

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.splice(0)) await c();
});

beforeAll(async () => {
  nixpkgsLib = (await findNixpkgsLib({ env: process.env, repo })).path;
});

describe('finding nixpkgs lib', () => {
  async function fakeLib(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'default.nix'), '{ }\n');
  }

  it('fails, naming the three ways to provide one, when there is none', async () => {
    const t = await makeTempDir('ogygia-nixos-lib-');
    cleanups.push(t.cleanup);
    await mkdir(join(t.path, 'repo'));
    await mkdir(join(t.path, 'nixpkgs-without-lib'));
    const env = { NIX_PATH: `nixpkgs=${join(t.path, 'nixpkgs-without-lib')}` };
    await expect(findNixpkgsLib({ env, repo: join(t.path, 'repo') })).rejects.toThrow(NO_NIXPKGS_LIB);
    expect(NO_NIXPKGS_LIB).toContain('NIXPKGS_LIB=');
    expect(NO_NIXPKGS_LIB).toContain('NIX_PATH=nixpkgs=');
    expect(NO_NIXPKGS_LIB).toContain(VENDORED_NIXPKGS_LIB);
  });

  it('takes NIXPKGS_LIB first, and refuses one that is not a lib directory', async () => {
    const t = await makeTempDir('ogygia-nixos-lib-');
    cleanups.push(t.cleanup);
    await fakeLib(join(t.path, 'mine/lib'));
    await fakeLib(join(t.path, 'shared/vendor/nixpkgs-lib/lib'));
    await mkdir(join(t.path, 'repo'));
    const repoDir = join(t.path, 'repo');
    await expect(findNixpkgsLib({ env: { NIXPKGS_LIB: '../mine/lib' }, repo: repoDir })).resolves.toEqual({
      path: join(t.path, 'mine/lib'),
      from: 'NIXPKGS_LIB',
    });
    await expect(findNixpkgsLib({ env: { NIXPKGS_LIB: join(t.path, 'nowhere') }, repo: repoDir })).rejects.toThrow(
      /NIXPKGS_LIB=.*nowhere is not nixpkgs' lib\/ directory/,
    );
  });

  it('takes <nixpkgs/lib> from NIX_PATH, then the vendored copy beside the checkout', async () => {
    const t = await makeTempDir('ogygia-nixos-lib-');
    cleanups.push(t.cleanup);
    await fakeLib(join(t.path, 'nixpkgs/lib'));
    await fakeLib(join(t.path, 'shared/vendor/nixpkgs-lib/lib'));
    await mkdir(join(t.path, 'repo'));
    const repoDir = join(t.path, 'repo');
    await expect(findNixpkgsLib({ env: { NIX_PATH: `nixpkgs=${join(t.path, 'nixpkgs')}` }, repo: repoDir })).resolves.toEqual({
      path: join(t.path, 'nixpkgs/lib'),
      from: 'NIX_PATH',
    });
    await expect(findNixpkgsLib({ env: { NIX_PATH: `nixpkgs=${join(t.path, 'repo')}` }, repo: repoDir })).resolves.toEqual({
      path: join(t.path, 'shared/vendor/nixpkgs-lib/lib'),
      from: 'vendored',
    });
  });
});

describe('nixosModules, evaluated with lib.evalModules', () => {
  it('fleet host (nixosModules.default): the agent unit, its credentials, agent.toml and config.toml', async () => {
    const s = await summaryOf('fleet-host');
    clean(s);
    expect(s.package.name).toBe(`ogygia-${packageVersion}`);
    expect(s.package.exe).toBe(`${s.package.path}/bin/ogygia`);

    const { unit, config } = checkDaemon(s, 'agent');
    expect(loadCredential(unit)).toEqual([
      'report-token:/run/secrets/ogygia-report-token',
      'etcd-password:/run/secrets/ogygia-etcd-password',
      'etcd-ca:/etc/ssl/certs/etcd-ca.pem',
    ]);
    // It outlives the switch it starts (like system.autoUpgrade).
    expect(unit.restartIfChanged).toBe(false);
    expect(unit.stopIfChanged).toBe(false);
    expect(unit.unitConfig).toMatchObject({ 'X-StopOnRemoval': false, Wants: 'network-online.target', After: 'network-online.target' });
    expect(unit.wantedBy).toEqual(['multi-user.target']);
    expect(unit.serviceConfig).toMatchObject({ Restart: 'always', KillMode: 'mixed', StateDirectory: 'ogygia-agent', StateDirectoryMode: '0700', UMask: '0077' });
    expect(unit.serviceConfig.DynamicUser).toBeUndefined();
    expect(unit.environment).toEqual({ OGYGIA_ROOT: '/' });
    expect(unit.path.map((p) => p.replace(/^\/nix\/store\/[a-z0-9]{32}-/, ''))).toEqual(['nix-2.24.10', 'systemd-256.8', 'bash-5.2', 'coreutils-9.5']);

    expect(config.toml).toEqual({
      host: 'web01', // networking.hostName
      channel: 'prod',
      source: 'http://reconciler.internal:35740',
      poll_interval_seconds: 60,
      state_dir: '/var/lib/ogygia-agent',
      trust: { keys: OPS_KEYS, threshold: 2 },
      nix: { action: 'switch', profile: '/nix/var/nix/profiles/system', substituters: [] },
      health: { command: 'systemctl is-system-running --wait', timeout_seconds: 120 },
      reboot: { policy: 'never', command: 'systemctl reboot' },
      report: { token_file: credential('ogygia-agent', 'report-token') },
      etcd: {
        endpoints: ['https://etcd1.internal:2379', 'https://etcd2.internal:2379'],
        namespace: '/nixos/versions',
        timeout_seconds: 10,
        username: 'web01',
        password_file: credential('ogygia-agent', 'etcd-password'),
        ca_file: credential('ogygia-agent', 'etcd-ca'),
      },
    });

    // config.toml names the files as given, for `ogygia status` run by whoever may read them.
    const status = checkStatusConfig(s, true);
    expect(status.toml).toEqual({
      ogygia: {
        domain: 'example.com',
        etcd: {
          endpoints: ['https://etcd1.internal:2379', 'https://etcd2.internal:2379'],
          namespace: '/nixos/versions',
          timeout_seconds: 10,
          username: 'web01',
          password_file: '/run/secrets/ogygia-etcd-password',
          ca_file: '/etc/ssl/certs/etcd-ca.pem',
        },
      },
    });
    expect(buildRevision(s)).toBe(REVISION);
    expect(s.firewall.allowedTCPPorts).toEqual([]);
    expect(s.nixSettings.substituters).toEqual(['https://cache.nixos.org/']);
  });

  it('a host named by DHCP (networking.hostName = ""): the agent detects its name at run time', async () => {
    const s = await summaryOf('fleet-host-dhcp-name');
    clean(s);
    expect(s.hostName).toBe('');
    const { config } = checkDaemon(s, 'agent');
    expect(config.toml.host).toBeUndefined();
    expect(config.toml.channel).toBe('prod');
  });

  it('every part on one host: four units, both ports, no assertion fails, and every assertion has a case here', async () => {
    const s = await summaryOf('every-part');
    clean(s);
    expect(Object.keys(s.services).sort()).toEqual(['ogygia-agent', 'ogygia-irisd', 'ogygia-reconciler', 'ogygia-report']);
    for (const d of ['agent', 'reconciler', 'irisd'] as const) checkDaemon(s, d);
    checkStatusConfig(s, true);
    expect(s.firewall.allowedTCPPorts).toEqual([35740, 35742]);
    expect(s.assertionCount, 'an assertion was added to a module: give it a case in nix/tests/eval/cases.nix and ASSERTIONS').toBe(ASSERTIONS.length);
  });

  it('ogygia alone: the CLI and the revision, no config.toml when nothing is configured', async () => {
    const s = await summaryOf('ogygia-only');
    clean(s);
    expect(s.services).toEqual({});
    expect(s.systemPackages.map((p) => p.name)).toEqual([`ogygia-${packageVersion}`, 'build-revision']);
    expect(buildRevision(s)).toBe('unknown');
    checkStatusConfig(s, false);
  });

  it('ogygia with ZooKeeper and a reconciler URL: config.toml', async () => {
    const s = await summaryOf('ogygia-zookeeper');
    clean(s);
    expect(checkStatusConfig(s, true).toml).toEqual({
      ogygia: {
        zookeeper: { enable: true, endpoints: ['zk1.internal:2181', 'zk2.internal:2181'], namespace: '/nixos/versions', timeout_seconds: 10 },
        reconciler: { url: 'http://reconciler.internal:35740' },
      },
    });
    expect(buildRevision(s)).toBe(REVISION);
  });

  it('ogygia with only settings: config.toml is written', async () => {
    const s = await summaryOf('ogygia-settings-only');
    clean(s);
    expect(checkStatusConfig(s, true).toml).toEqual({ ogygia: {}, dashboard: { theme: 'dark' } });
  });

  it('reboots: when-required in a window that wraps midnight reaches agent.toml (its build-time check runs below)', async () => {
    const s = await summaryOf('agent-reboot-window');
    clean(s);
    const { config } = checkDaemon(s, 'agent');
    expect(config.toml.reboot).toEqual({ policy: 'when-required', window: '23:30-01:15', command: 'systemctl reboot' });
  });

  it('a reboot window off the HH:MM-HH:MM form is refused by its option type', async () => {
    const r = await evaluate(repo, 'refuse-reboot-window');
    expect(r.ok).toBe(false);
    expect(r.stderr).toMatch(/ogygia\.agent\.settings\.reboot\.window' is not of type `null or string matching the pattern/);
  });

  it('agent alone (nixosModules.agent) gives the same unit and config as nixosModules.default', async () => {
    const alone = await summaryOf('agent-only');
    const all = await summaryOf('fleet-host');
    clean(alone);
    expect(alone.services).toEqual(all.services);
    expect(alone.generated).toEqual(all.generated);
  });

  it('reconciler alone: hardened DynamicUser unit, secrets by LoadCredential, firewall, reconciler.toml', async () => {
    const s = await summaryOf('reconciler-only');
    clean(s);
    const { unit, config } = checkDaemon(s, 'reconciler');
    expect(unit.serviceConfig).toMatchObject({ ...HARDENING, PrivateUsers: true, StateDirectory: 'ogygia-reconciler', Restart: 'on-failure' });
    expect(unit.serviceConfig.BindReadOnlyPaths).toEqual([]);
    expect(loadCredential(unit)).toEqual([
      'webhook:/run/secrets/ogygia-webhook',
      'report-token-0:/run/secrets/ogygia-report-token',
      'report-token-1:/run/secrets/ogygia-report-token-old',
      'etcd-password:/run/secrets/ogygia-reconciler-etcd-password',
    ]);
    expect(unit.path.map((p) => p.replace(/^\/nix\/store\/[a-z0-9]{32}-/, ''))).toEqual(['git-2.47.0']);
    expect(s.firewall.allowedTCPPorts).toEqual([35740]);
    expect(config.toml).toEqual({
      source: 'https://git.example.com/ops/channels.git',
      branch: 'main',
      listen: '0.0.0.0:35740',
      state_dir: '/var/lib/ogygia-reconciler',
      poll_interval_seconds: 60,
      trust: { keys: OPS_KEYS, threshold: 1, channels: { prod: { threshold: 2 } } },
      webhook: { secret_file: credential('ogygia-reconciler', 'webhook') },
      reports: { token_files: [credential('ogygia-reconciler', 'report-token-0'), credential('ogygia-reconciler', 'report-token-1')] },
      etcd: {
        endpoints: ['https://etcd1.internal:2379'],
        username: 'ogygia-reconciler',
        password_file: credential('ogygia-reconciler', 'etcd-password'),
      },
    });
    // The reconciler alone writes no status config.toml and installs nothing else.
    expect(s.services['ogygia-agent']).toBeUndefined();
  });

  it('reconciler on port 80 with a local source: the bind capability and a read-only bind of the source', async () => {
    const s = await summaryOf('reconciler-local-port-80');
    clean(s);
    const { unit, config } = checkDaemon(s, 'reconciler');
    expect(unit.serviceConfig).toMatchObject({
      CapabilityBoundingSet: 'CAP_NET_BIND_SERVICE',
      AmbientCapabilities: 'CAP_NET_BIND_SERVICE',
      PrivateUsers: false,
      BindReadOnlyPaths: ['-/srv/git/channels.git'],
    });
    expect(loadCredential(unit)).toEqual([]);
    expect(s.firewall.allowedTCPPorts).toEqual([80]);
    expect(config.toml).toMatchObject({ source: '/srv/git/channels.git', listen: '[::]:80' });
  });

  it('irisd alone: hardened unit, the Nebula address, the signing key, the firewall and nix.settings', async () => {
    const s = await summaryOf('irisd-only');
    clean(s);
    const { unit, config } = checkDaemon(s, 'irisd');
    expect(unit.serviceConfig).toMatchObject({ ...HARDENING, CacheDirectory: 'ogygia-irisd', CacheDirectoryMode: '0700', Restart: 'on-failure' });
    expect(loadCredential(unit)).toEqual(['sign-key:/run/secrets/irisd-sign-key']);
    expect(unit.environment).toEqual({ NIX_REMOTE: 'daemon' });
    expect(unit.unitConfig).toMatchObject({ After: 'network-online.target nix-daemon.socket', StartLimitIntervalSec: '0' });
    expect(s.firewall.allowedTCPPorts).toEqual([35742]);
    expect(config.toml).toEqual({
      server: { listen: ['127.0.0.1:35742', '10.42.0.1:35742'] },
      store: { root: '/' },
      peers: { urls: ['http://10.42.0.2:35742', 'http://10.42.0.3:35742'], refresh_seconds: 30, timeout_ms: 1500 },
      trust: { trusted_keys: [IRIS_KEY] },
      cache: { dir: '/var/cache/ogygia-irisd', compression: 'none', compression_level: 3 },
      signing: { key_file: credential('ogygia-irisd', 'sign-key') },
    });
    // configureNixDaemon: the local irisd first (cache.nixos.org stays last, as NixOS adds it), its
    // keys beside NixOS' own; the operator's narinfo-cache-negative-ttl wins over the module's default.
    expect(s.nixSettings).toMatchObject({
      substituters: ['http://127.0.0.1:35742', 'https://cache.nixos.org/'],
      'trusted-public-keys': [NIXOS_CACHE_KEY, IRIS_KEY],
      'narinfo-cache-negative-ttl': 10,
    });
  });

  it('irisd with cache.compression = "zstd": it reaches irisd.toml (its build-time check runs below); another value is refused by its type', async () => {
    const s = await summaryOf('irisd-zstd');
    clean(s);
    const { config } = checkDaemon(s, 'irisd');
    expect(config.toml.cache).toEqual({ dir: '/var/cache/ogygia-irisd', compression: 'zstd', compression_level: 3 });
    const r = await evaluate(repo, 'refuse-irisd-compression');
    expect(r.ok).toBe(false);
    expect(r.stderr).toMatch(/ogygia\.irisd\.settings\.cache\.compression' is not of type `one of "none", "zstd"'/);
  });

  it('irisd on the Nebula address only: the Nix daemon reaches it there; the negative TTL is the filter refresh', async () => {
    const s = await summaryOf('irisd-nebula-only');
    clean(s);
    const { config } = checkDaemon(s, 'irisd');
    expect(config.toml.server).toEqual({ listen: ['10.42.0.1:35742'] });
    expect(s.nixSettings).toMatchObject({
      substituters: ['http://10.42.0.1:35742', 'https://cache.nixos.org/'],
      'narinfo-cache-negative-ttl': 30,
    });
  });

  it('report (nixosModules.report) with etcd credentials: oneshot unit, its own config, timer, activation snippet', async () => {
    const s = await summaryOf('report-only');
    clean(s);
    const unit = service(s, 'ogygia-report');
    const config = generated(s, 'ogygiaReportConfig');
    expect(argv(unit.serviceConfig.ExecStart)).toEqual([s.package.exe, 'report']);
    expect(String(unit.serviceConfig.ExecStartPre)).toMatch(/^\/nix\/store\/[a-z0-9]{32}-ogygia-report-wait$/);
    expect(unit.serviceConfig).toMatchObject({ ...HARDENING, Type: 'oneshot', PrivateUsers: false, ProtectHostname: false });
    expect(unit.environment).toEqual({ OGYGIA_CONFIG: config.path });
    checkBuildCheck(s, config, ['status']);
    checkToml(config);
    expect(loadCredential(unit)).toEqual(['etcd-password:/run/secrets/ogygia-etcd-password']);
    expect(credentialNames(unit)).toEqual(credentialsNamedIn(config.text, 'ogygia-report'));
    expect(config.toml).toEqual({
      ogygia: {
        etcd: {
          endpoints: ['https://etcd1.internal:2379'],
          namespace: '/nixos/versions',
          timeout_seconds: 10,
          username: 'db01',
          password_file: credential('ogygia-report', 'etcd-password'),
        },
      },
    });
    expect(s.timers['ogygia-report']).toEqual({ wantedBy: ['timers.target'], timerConfig: { OnCalendar: ['hourly'] } });
    const activation = s.activationScripts['ogygia-report'];
    expect(activation?.supportsDryActivation).toBe(false);
    expect(activation?.text).toMatch(/\/nix\/store\/[a-z0-9]{32}-systemd-[^/]+\/bin\/systemctl start --no-block ogygia-report\.service/);
  });

  it('report with ZooKeeper and no interval: the auth file by LoadCredential, no timer', async () => {
    const s = await summaryOf('report-zookeeper');
    clean(s);
    const unit = service(s, 'ogygia-report');
    const config = generated(s, 'ogygiaReportConfig');
    expect(unit.environment).toEqual({ OGYGIA_CONFIG: config.path });
    expect(loadCredential(unit)).toEqual(['zookeeper-auth:/run/secrets/ogygia-zookeeper-auth']);
    expect(config.toml).toMatchObject({ ogygia: { zookeeper: { auth_file: credential('ogygia-report', 'zookeeper-auth') } } });
    expect(checkStatusConfig(s, true).toml).toMatchObject({ ogygia: { zookeeper: { auth_file: '/run/secrets/ogygia-zookeeper-auth' } } });
    expect(unit.startAt).toEqual([]);
    expect(s.timers).toEqual({});
  });

  it('two part modules side by side define the flake package once', async () => {
    const s = await summaryOf('agent-and-irisd-modules');
    const fleet = await summaryOf('fleet-host');
    clean(s);
    expect(s.package).toEqual(fleet.package);
    checkDaemon(s, 'agent');
    checkDaemon(s, 'irisd');
  });

  it('the module files without the flake: ogygia.package defaults to nix/package.nix', async () => {
    const s = await summaryOf('without-flake');
    clean(s);
    expect(s.package.name).toBe(`ogygia-${packageVersion}`);
    checkDaemon(s, 'agent');
  });

  it('cross-compiled: the configs are used unchecked', async () => {
    const s = await summaryOf('cross');
    clean(s);
    const { config } = checkDaemon(s, 'agent');
    expect(config.checkScript).toBeNull();
    expect(checkStatusConfig(s, true).checkScript).toBeNull();
  });
});

describe('each assertion the modules declare fires with its message', () => {
  it.each(ASSERTIONS)('%s', async (name, message) => {
    const a = await evalCase<Assertions>(name);
    expect(a.failedAssertions).toEqual([message]);
    expect(a.warnings).toEqual([]);
  });
});

describe('secrets never enter the Nix store', () => {
  it('a secret given as a Nix path literal is refused by its option type', async () => {
    const r = await evaluate(repo, 'refuse-secret-path-literal');
    expect(r.ok).toBe(false);
    expect(r.stderr).toMatch(/ogygia\.agent\.reportTokenFile' is not of type `null or string'/);
  });
});

describe('the units against the real CLI', () => {
  const cli = async (args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
    execa('node', ['--import', 'tsx', join(repo, 'cli/entry.ts'), ...args], { cwd: repo, reject: false, ...opts });

  it('each ExecStart uses a command and options that `ogygia <command> --help` lists', async () => {
    const s = await summaryOf('every-part');
    for (const [name, unit] of Object.entries(s.services)) {
      const words = argv(unit.serviceConfig.ExecStart);
      expect(words[0]).toBe(s.package.exe);
      const command = words[1]!;
      const help = await cli([command, '--help']);
      expect(help.exitCode, `${name}: ogygia ${command} --help`).toBe(0);
      for (const option of words.slice(2).filter((w) => w.startsWith('--'))) {
        expect(String(help.stdout), `${name}: ogygia ${command} has no ${option}`).toMatch(new RegExp(`^\\s+${option} <file>`, 'm'));
      }
    }
  });

  // The build script of each generated config, run as the build would run it,
  // with the package's `ogygia` being this checkout's CLI.
  const checked = [
    'fleet-host',
    'fleet-host-dhcp-name',
    'every-part',
    'ogygia-zookeeper',
    'ogygia-settings-only',
    'reconciler-local-port-80',
    'irisd-nebula-only',
    'irisd-zstd',
    'report-only',
    'report-zookeeper',
    'agent-reboot-window',
  ];
  it.each(checked)(
    '%s: every generated config passes its build-time check',
    async (name) => {
      const s = await summaryOf(name);
      const t = await makeTempDir('ogygia-nixos-check-');
      cleanups.push(t.cleanup);
      const shim = join(t.path, 'ogygia');
      await writeFile(shim, `#!/bin/sh\nexec node --import tsx ${JSON.stringify(join(repo, 'cli/entry.ts'))} "$@"\n`);
      await chmod(shim, 0o755);
      const configs = Object.entries(s.generated);
      expect(configs.length).toBeGreaterThan(0);
      for (const [build, g] of configs) {
        expect(g.checkScript, `${build} has no build-time check`).not.toBeNull();
        const out = join(t.path, `${build}.out`);
        const work = join(t.path, `${build}.tmp`);
        await mkdir(work);
        const r = await execa('/bin/sh', ['-c', g.checkScript!.replaceAll(s.package.exe, shim)], {
          cwd: repo,
          env: { out, TMPDIR: work },
          reject: false,
        });
        expect(r.exitCode, `${name}: ${build} was refused:\n${r.stdout}\n${r.stderr}`).toBe(0);
        expect(await readFile(out, 'utf8')).toBe(g.text);
      }
    },
  );
});

// The evaluation above can fail: each edit below, made to a copy of the
// modules, breaks what it checks.
describe('mutations of the modules make it fail', () => {
  async function mutated(edits: ReadonlyArray<{ file: string; from: string; to: string }>): Promise<string> {
    const t = await makeTempDir('ogygia-nixos-mutant-');
    cleanups.push(t.cleanup);
    await cp(join(repo, 'flake.nix'), join(t.path, 'flake.nix'));
    await cp(join(repo, 'package.json'), join(t.path, 'package.json'));
    await cp(join(repo, 'nix'), join(t.path, 'nix'), { recursive: true });
    for (const e of edits) {
      const file = join(t.path, e.file);
      const text = await readFile(file, 'utf8');
      expect(text, `${e.file} no longer holds ${JSON.stringify(e.from)}; update this mutation`).toContain(e.from);
      await writeFile(file, text.replaceAll(e.from, e.to));
    }
    return t.path;
  }

  it('the unmutated copy passes (so the failures below are the edits\')', async () => {
    const root = await mutated([]);
    const r = await evaluate(root, 'every-part');
    expect(r.ok).toBe(true);
    if (r.ok) for (const d of ['agent', 'reconciler', 'irisd'] as const) checkDaemon(r.value as Summary, d);
  });

  it('an option renamed in config.nix but not in options.nix does not evaluate', async () => {
    const root = await mutated([{ file: 'nix/modules/agent/config.nix', from: 'cfg.reportTokenFile', to: 'cfg.reportTokenPath' }]);
    const r = await evaluate(root, 'fleet-host');
    expect(r.ok).toBe(false);
    expect(r.stderr).toMatch(/attribute 'reportTokenPath' missing/);
  });

  it('an option renamed in options.nix but not where config.nix and users set it does not evaluate', async () => {
    const root = await mutated([{ file: 'nix/modules/agent/options.nix', from: 'reportTokenFile = mkOption', to: 'reportTokenPath = mkOption' }]);
    const r = await evaluate(root, 'fleet-host');
    expect(r.ok).toBe(false);
    expect(r.stderr).toMatch(/reportTokenFile/);
  });

  it('a NixOS option set under a name NixOS does not have does not evaluate', async () => {
    const root = await mutated([{ file: 'nix/modules/irisd/config.nix', from: 'networking.firewall.allowedTCPPorts', to: 'networking.firewall.allowedTcpPorts' }]);
    const r = await evaluate(root, 'irisd-only');
    expect(r.ok).toBe(false);
    expect(r.stderr).toMatch(/The option `networking\.firewall\.allowedTcpPorts' does not exist/);
  });

  it('a NixOS option given a value of the wrong type does not evaluate', async () => {
    const root = await mutated([{ file: 'nix/modules/reconciler/config.nix', from: 'allowedTCPPorts = lib.mkIf cfg.openFirewall [ port ]', to: 'allowedTCPPorts = lib.mkIf cfg.openFirewall [ (toString port) ]' }]);
    const r = await evaluate(root, 'reconciler-only');
    expect(r.ok).toBe(false);
    expect(r.stderr).toMatch(/networking\.firewall\.allowedTCPPorts.*is not of type/s);
  });

  it.each([
    ['a misspelt --config', 'nix/modules/reconciler/config.nix', 'reconciler --config ${configFile}', 'reconciler --conifg ${configFile}', 'reconciler'],
    ['--config joined to its value', 'nix/modules/irisd/config.nix', 'irisd --config ${configFile}', 'irisd --config=${configFile}', 'irisd'],
    ['--config naming the unchecked file', 'nix/modules/agent/config.nix', 'agent --config ${configFile}', 'agent --config ${configFile.unchecked}', 'agent'],
    ['a build-time check that checks nothing', 'nix/modules/lib.nix', '--check-config ${raw}', '--help ${raw}', 'agent'],
  ] as const)('%s in a unit fails the unit checks', async (_what, file, from, to, daemon) => {
    const root = await mutated([{ file, from, to }]);
    const r = await evaluate(root, 'every-part');
    expect(r.ok).toBe(true);
    if (r.ok) expect(() => checkDaemon(r.value as Summary, daemon)).toThrow();
  });
});

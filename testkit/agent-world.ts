import { mkdir, readFile, readlink, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { formatPublicKey, type SecretKey } from '../core/keys.js';
import { buildSystemClosure, copyToFileCache, deleteStorePaths, nixEnv, nixKeyPair, signStorePaths } from './nix.js';
import { startProcess, type Started } from './processes.js';
import { git } from './channel-repo.js';
import { testKey } from './keys.js';
import { ReleaseChain } from './release-chain.js';
import { makeTempDir } from './tmp.js';

const REPO_ROOT = new URL('../', import.meta.url).pathname;

/**
 * A small world for agent tests, all real: a channels git repository (git
 * CLI), a file:// binary cache of system closures built and signed with Nix
 * (TEST-ONLY keys), and hosts that each get their own OGYGIA_ROOT and
 * state_dir and run `ogygia agent` from the sources.
 */
export interface World {
  readonly dir: string;
  readonly repo: string;
  readonly cacheUrl: string;
  readonly cachePublicKey: string;
  /** The TEST-ONLY Nix key file that signs the cache's closures. */
  readonly cacheSecretFile: string;
  readonly releaseKey: SecretKey;
  readonly chain: ReleaseChain;
  commit(text: string, message?: string, channel?: string): Promise<string>;
  cleanup(): Promise<void>;
}

export async function makeWorld(): Promise<World> {
  const tmp = await makeTempDir('ogygia-agent-world-');
  const repo = join(tmp.path, 'channels');
  await mkdir(join(repo, 'channels'), { recursive: true });
  await execa('git', ['init', '-q', '-b', 'main', repo]);
  await mkdir(join(tmp.path, 'keys'), { recursive: true });
  const cache = await nixKeyPair(join(tmp.path, 'keys'), 'test-only-cache-1');
  const cacheDir = join(tmp.path, 'cache');
  const releaseKey = testKey('test-only-ops-1');
  return {
    dir: tmp.path,
    repo,
    cacheUrl: `file://${cacheDir}`,
    cachePublicKey: cache.publicKey,
    cacheSecretFile: cache.secretFile,
    releaseKey,
    chain: new ReleaseChain('prod', [releaseKey]),
    async commit(text, message = 'release', channel = 'prod') {
      await writeFile(join(repo, 'channels', `${channel}.json`), text);
      await git(repo, 'add', '-A');
      await git(repo, 'commit', '-q', '--allow-empty', '-m', message);
      return git(repo, 'rev-parse', 'HEAD');
    },
    cleanup: tmp.cleanup,
  };
}

/** Build closures, sign them with the world's cache key (or `signWith`, or not at all), put them in the cache, and drop them from the local store. */
export interface ClosureSpec {
  readonly name: string;
  readonly healthy?: boolean;
  readonly failSwitch?: boolean;
  readonly holdFile?: string;
  readonly sign?: 'cache' | 'none' | 'wrong';
  /** A kernel version: the system links `kernel`, `initrd` and `kernel-modules` built for it (systems of one publishClosures call with the same version share them). */
  readonly kernel?: string;
}

export async function publishClosures<const T extends readonly ClosureSpec[]>(world: World, specs: T): Promise<{ -readonly [K in keyof T]: string }> {
  const salt = `${process.pid}-${Date.now()}-${Math.random()}`;
  const paths: string[] = [];
  for (const s of specs) {
    const p = await buildSystemClosure(join(world.dir, 'build'), {
      name: `nixos-system-${s.name}`,
      revision: `rev-${s.name}-0123456789`,
      salt,
      ...(s.healthy === false ? { healthy: false } : {}),
      ...(s.failSwitch ? { failSwitch: true } : {}),
      ...(s.holdFile ? { holdFile: s.holdFile } : {}),
      ...(s.kernel ? { kernel: s.kernel } : {}),
    });
    const sign = s.sign ?? 'cache';
    if (sign === 'cache') await signStorePaths([p], world.cacheSecretFile);
    if (sign === 'wrong') {
      const wrong = await nixKeyPair(join(world.dir, 'keys'), 'test-only-wrong-1');
      await signStorePaths([p], wrong.secretFile);
    }
    await copyToFileCache([p], world.cacheUrl.slice('file://'.length));
    paths.push(p);
  }
  await deleteStorePaths(paths);
  return paths as { -readonly [K in keyof T]: string };
}

export interface Host {
  readonly name: string;
  readonly root: string;
  readonly stateDir: string;
  readonly configFile: string;
  writeConfig(extra?: { source?: string; top?: string; toml?: string; trust?: string; channel?: string; nix?: string }): Promise<void>;
  env(): NodeJS.ProcessEnv;
  runOnce(args?: string[]): Promise<{ exitCode: number; out: { outcome: string; revision: number | null; error: { code: string; message: string } | null } | undefined; stderr: string }>;
  start(log: string): Started;
  state(): Promise<Record<string, unknown> & { phase: string; revision: number | null; quarantined: string[] }>;
  profileTarget(): Promise<string | null>;
  currentSystem(): Promise<string | null>;
  switchLog(): Promise<string[]>;
  /**
   * A reboot, as far as the agent can see one: /run emptied (it is a tmpfs),
   * then /run/booted-system and /run/current-system pointing at `system`
   * (what the bootloader started). Without `system`: the host as first
   * installed, booted into whatever /run/current-system is now.
   */
  boot(system?: string): Promise<void>;
  /** The lines `REBOOT_COMMAND` appended: one per run of the `[reboot] command`. */
  rebootLog(): Promise<string[]>;
}

/** A `[reboot] command` for tests: it records that it ran (under OGYGIA_ROOT) and exits 0; the test then "reboots" with `host.boot()`. */
export const REBOOT_COMMAND = 'echo "reboot $(date +%s%N)" >> "$OGYGIA_ROOT/reboot.log"';

export async function makeHost(world: World, name: string): Promise<Host> {
  const root = join(world.dir, `host-${name}-${Math.random().toString(36).slice(2, 8)}`);
  const stateDir = join(root, 'var/lib/ogygia-agent');
  await mkdir(stateDir, { recursive: true });
  await mkdir(join(root, 'nix/var/nix/profiles'), { recursive: true });
  const configFile = join(root, 'agent.toml');
  const host: Host = {
    name,
    root,
    stateDir,
    configFile,
    async writeConfig(extra = {}) {
      const toml = [
        `host = "${name}"`,
        `channel = "${extra.channel ?? 'prod'}"`,
        `source = "${extra.source ?? world.repo}"`,
        `state_dir = "${stateDir}"`,
        'poll_interval_seconds = 1',
        extra.top ?? '',
        extra.trust ?? `[trust]\nkeys = ["${formatPublicKey(world.releaseKey.publicKey)}"]\nthreshold = 1`,
        '[nix]',
        `substituters = ["${world.cacheUrl}"]`,
        'copy_timeout_seconds = 60',
        extra.nix ?? '',
        '[health]',
        `command = 'while [ -e "$OGYGIA_ROOT/hold-health" ]; do sleep 0.05; done; s="$(cat "$OGYGIA_ROOT/run/current-system/health")"; [ "$s" = healthy ] || { echo "health: system says $s" >&2; exit 1; }'`,
        'timeout_seconds = 30',
        extra.toml ?? '',
      ].join('\n');
      await writeFile(configFile, toml + '\n');
    },
    env() {
      return { ...nixEnv({ OGYGIA_ROOT: root, OGYGIA_HOSTNAME: name, OGYGIA_LOG: 'info' }, [world.cachePublicKey]) };
    },
    async runOnce(args = []) {
      const r = await execa('node', ['--import', 'tsx', join(REPO_ROOT, 'testkit/run-cli.ts'), 'agent', '--config', configFile, '--once', ...args], {
        env: host.env(),
        reject: false,
        cwd: REPO_ROOT,
        timeout: 110_000,
      });
      let out;
      try {
        out = JSON.parse(String(r.stdout).trim().split('\n').pop() ?? '');
      } catch {
        out = undefined;
      }
      return { exitCode: r.exitCode ?? -1, out, stderr: String(r.stderr) };
    },
    start(log) {
      return startProcess('node', ['--import', 'tsx', join(REPO_ROOT, 'testkit/run-cli.ts'), 'agent', '--config', configFile], {
        env: host.env(),
        cwd: REPO_ROOT,
        log,
      });
    },
    async state() {
      return JSON.parse(await readFile(join(stateDir, 'state.json'), 'utf8'));
    },
    async profileTarget() {
      try {
        return await realpath(join(root, 'nix/var/nix/profiles/system'));
      } catch {
        return null;
      }
    },
    async currentSystem() {
      try {
        return await readlink(join(root, 'run/current-system'));
      } catch {
        return null;
      }
    },
    async switchLog() {
      try {
        return (await readFile(join(root, 'switch.log'), 'utf8')).trim().split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
    async boot(system) {
      const into = system ?? (await realpath(join(root, 'run/current-system')));
      await rm(join(root, 'run'), { recursive: true, force: true });
      await mkdir(join(root, 'run'), { recursive: true });
      await symlink(into, join(root, 'run/booted-system'));
      await symlink(into, join(root, 'run/current-system'));
    },
    async rebootLog() {
      try {
        return (await readFile(join(root, 'reboot.log'), 'utf8')).trim().split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
  };
  await host.writeConfig();
  return host;
}

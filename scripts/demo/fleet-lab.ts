import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { startEtcd, type EtcdServer } from '../../testkit/etcd.js';
import { eventually } from '../../testkit/eventually.js';
import { nixEnv } from '../../testkit/nix.js';
import { freePort, waitForPort } from '../../testkit/ports.js';
import { startProcess, type Started } from '../../testkit/processes.js';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'ogygia');

/**
 * A fleet on one machine: a work directory, the programs started in it (each
 * stopped by PID when the lab closes), and helpers to run `ogygia` commands.
 */
export class FleetLab {
  private readonly started: { name: string; proc: Started }[] = [];
  etcd?: EtcdServer;

  /** Binary-cache keys the lab's Nix trusts (the demo's cache key, once it exists). */
  readonly trustedKeys: string[] = [];

  constructor(readonly dir: string) {}

  /** Environment for Nix commands and daemons: the project's own Nix settings (testkit/nix-conf), the lab's trusted cache keys. */
  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return nixEnv({ OGYGIA_LOG: process.env.OGYGIA_LOG ?? 'info', ...extra }, this.trustedKeys);
  }

  /** Run `ogygia ARGS` and return its output; throws with the output when it fails and `check` is set. */
  async ogygia(args: string[], opts: { env?: Record<string, string>; check?: boolean; cwd?: string } = {}) {
    const r = await execa(BIN, args, { reject: false, env: this.env(opts.env), cwd: opts.cwd ?? this.dir, stdin: 'ignore' });
    const res = { code: r.exitCode ?? 1, out: String(r.stdout), err: String(r.stderr) };
    if (opts.check !== false && res.code !== 0) {
      throw new Error(`ogygia ${args.join(' ')} exited ${res.code}:\n${res.out}\n${res.err}`);
    }
    return res;
  }

  async git(dir: string, ...args: string[]): Promise<string> {
    const r = await execa('git', ['-C', dir, ...args], {
      env: { ...process.env, GIT_AUTHOR_NAME: 'Demo Operator', GIT_AUTHOR_EMAIL: 'ops@demo.invalid', GIT_COMMITTER_NAME: 'Demo Operator', GIT_COMMITTER_EMAIL: 'ops@demo.invalid' },
    });
    return String(r.stdout).trim();
  }

  async nix(program: string, args: string[]): Promise<string> {
    const r = await execa(program, args, { env: this.env() });
    return String(r.stdout).trim();
  }

  async startEtcd(): Promise<EtcdServer> {
    this.etcd = await startEtcd();
    return this.etcd;
  }

  /** Start `ogygia <args>` as a daemon with its log in the lab; waits for `port` when given. */
  async daemon(name: string, args: string[], opts: { env?: Record<string, string>; port?: number } = {}): Promise<Started> {
    await mkdir(join(this.dir, 'logs'), { recursive: true });
    const proc = startProcess(process.execPath, [BIN, ...args], { env: this.env(opts.env), log: join(this.dir, 'logs', `${name}.log`), cwd: this.dir });
    this.started.push({ name, proc });
    if (opts.port) await waitForPort(opts.port, '127.0.0.1', 30_000);
    return proc;
  }

  async port(): Promise<number> {
    return freePort();
  }

  async write(rel: string, text: string): Promise<string> {
    const p = join(this.dir, rel);
    await mkdir(join(p, '..'), { recursive: true });
    await writeFile(p, text);
    return p;
  }

  /** Wait until `check` returns a value (polling), or fail after `timeoutMs` naming `what`. */
  until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
    return eventually(check, what, timeoutMs, 250);
  }

  /** Stop every program the lab started, newest first, by PID. */
  async close(): Promise<void> {
    for (const { proc } of this.started.reverse()) await proc.stop().catch(() => {});
    this.started.length = 0;
    if (this.etcd) await this.etcd.stop().catch(() => {});
    this.etcd = undefined;
  }

  pids(): number[] {
    return [...this.started.map((s) => s.proc.pid), ...(this.etcd ? [this.etcd.process.pid] : [])];
  }
}

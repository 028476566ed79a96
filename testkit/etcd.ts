import { join } from 'node:path';
import { execa } from 'execa';
import { freePort, waitForPort } from './ports.js';
import { requireProgram, startProcess, type Started } from './processes.js';
import type { CertFiles } from './tls.js';
import { makeTempDir } from './tmp.js';

export interface EtcdServer {
  readonly endpoint: string; // http://127.0.0.1:PORT, or https:// with `tls`
  readonly port: number;
  /** The running etcd process (replaced by `restart`). */
  readonly process: Started;
  /** Kill etcd (SIGKILL) but keep its data, as a crash or a network cut would. */
  kill(): Promise<void>;
  /** Start etcd again on the same port with the same data. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Run the real `etcdctl` (API v3) against this server and return its
   * stdout; `user` is `NAME:PASSWORD` once auth is enabled. Throws with
   * etcdctl's stderr when it fails.
   */
  ctl(args: readonly string[], opts?: { user?: string }): Promise<string>;
  /** `etcdctl user add root`, `etcdctl auth enable`: from now on every request needs a user (or a client certificate). */
  enableAuth(rootPassword: string): Promise<void>;
  /** As root (after `enableAuth`): `role add ROLE`, then `role grant-permission ROLE PERMISSION --prefix=true PREFIX` per grant. */
  addRole(role: string, grants: ReadonlyArray<{ readonly permission: 'read' | 'write' | 'readwrite'; readonly prefix: string }>): Promise<void>;
  /** As root: `user add NAME` (password null: `--no-password`, for login by client certificate CN), then `user grant-role` per role. */
  addUser(name: string, password: string | null, roles: readonly string[]): Promise<void>;
  /** `get --prefix` as root: key to value. */
  getPrefix(prefix: string): Promise<Record<string, string>>;
}

export interface EtcdOptions {
  /**
   * Serve clients over TLS with this server certificate; `clientCertAuth`
   * adds `--client-cert-auth` (every client shows a certificate signed by
   * `ca`, and etcd takes its CN as the user name). `ctl` is the client
   * certificate `etcdctl` shows.
   */
  readonly tls?: { readonly ca: string; readonly server: CertFiles; readonly ctl: CertFiles; readonly clientCertAuth?: boolean };
}

/** A real etcd (Debian etcd-server) on loopback with its own data directory. */
export async function startEtcd(opts: EtcdOptions = {}): Promise<EtcdServer> {
  const bin = await requireProgram('etcd', 'etcd-server');
  const dir = await makeTempDir('ogygia-etcd-');
  const port = await freePort();
  const peer = await freePort();
  const tls = opts.tls;
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const tlsArgs = tls
    ? ['--cert-file', tls.server.cert, '--key-file', tls.server.key, '--trusted-ca-file', tls.ca, ...(tls.clientCertAuth ? ['--client-cert-auth'] : [])]
    : [];
  const start = () => startProcess(
    bin,
    [
      '--name', 'test', '--data-dir', join(dir.path, 'data'),
      '--listen-client-urls', url, '--advertise-client-urls', url,
      '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
      '--initial-cluster', `test=http://127.0.0.1:${peer}`,
      ...tlsArgs,
    ],
    { log: join(dir.path, 'etcd.log'), env: { ...process.env, ETCD_UNSUPPORTED_ARCH: process.arch === 'arm64' ? 'arm64' : '' } },
  );
  let proc = start();
  try {
    await waitForPort(port);
  } catch (e) {
    // An etcd that did not come up in time must not outlive the test that started it.
    await proc.stop();
    await dir.cleanup();
    throw e;
  }
  const ctlTls = tls ? ['--cacert', tls.ca, '--cert', tls.ctl.cert, '--key', tls.ctl.key] : [];
  const server: EtcdServer = {
    endpoint: url,
    port,
    get process() {
      return proc;
    },
    async kill() {
      await proc.stop('SIGKILL');
    },
    async restart() {
      await proc.stop('SIGKILL');
      proc = start();
      await waitForPort(port);
    },
    async stop() {
      await proc.stop();
      await dir.cleanup();
    },
    async ctl(args, o = {}) {
      const etcdctl = await requireProgram('etcdctl', 'etcd-client');
      const r = await execa(etcdctl, ['--endpoints', url, '--dial-timeout', '10s', ...ctlTls, ...(o.user ? ['--user', o.user] : []), ...args], {
        env: { ...process.env, ETCDCTL_API: '3' },
        reject: false,
        timeout: 30_000,
      });
      if (r.exitCode !== 0) throw new Error(`etcdctl ${args.join(' ')} failed (${r.exitCode}): ${String(r.stderr).trim()}`);
      return String(r.stdout);
    },
    async enableAuth(rootPassword) {
      await server.ctl(['user', 'add', `root:${rootPassword}`]);
      await server.ctl(['auth', 'enable']);
      rootUser = `root:${rootPassword}`;
    },
    async addRole(role, grants) {
      await server.ctl(['role', 'add', role], asRoot());
      for (const g of grants) await server.ctl(['role', 'grant-permission', role, g.permission, '--prefix=true', g.prefix], asRoot());
    },
    async addUser(name, password, roles) {
      await server.ctl(['user', 'add', ...(password === null ? ['--no-password', name] : [`${name}:${password}`])], asRoot());
      for (const r of roles) await server.ctl(['user', 'grant-role', name, r], asRoot());
    },
    async getPrefix(prefix) {
      const lines = (await server.ctl(['get', '--prefix', prefix], rootUser ? asRoot() : {})).split('\n');
      const kv: Record<string, string> = {};
      for (let i = 0; i + 1 < lines.length; i += 2) if (lines[i]) kv[lines[i]!] = lines[i + 1]!;
      return kv;
    },
  };
  let rootUser: string | undefined;
  const asRoot = (): { user: string } => {
    if (!rootUser) throw new Error('etcd: call enableAuth first');
    return { user: rootUser };
  };
  return server;
}

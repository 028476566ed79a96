import { join } from 'node:path';
import { freePort, waitForPort } from './ports.js';
import { requireProgram, startProcess, type Started } from './processes.js';
import { makeTempDir } from './tmp.js';

export interface EtcdServer {
  readonly endpoint: string; // http://127.0.0.1:PORT
  readonly port: number;
  /** The running etcd process (replaced by `restart`). */
  readonly process: Started;
  /** Kill etcd (SIGKILL) but keep its data, as a crash or a network cut would. */
  kill(): Promise<void>;
  /** Start etcd again on the same port with the same data. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A real etcd (Debian etcd-server) on loopback with its own data directory. */
export async function startEtcd(): Promise<EtcdServer> {
  const bin = await requireProgram('etcd', 'etcd-server');
  const dir = await makeTempDir('ogygia-etcd-');
  const port = await freePort();
  const peer = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const start = () => startProcess(
    bin,
    [
      '--name', 'test', '--data-dir', join(dir.path, 'data'),
      '--listen-client-urls', url, '--advertise-client-urls', url,
      '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
      '--initial-cluster', `test=http://127.0.0.1:${peer}`,
    ],
    { log: join(dir.path, 'etcd.log'), env: { ...process.env, ETCD_UNSUPPORTED_ARCH: process.arch === 'arm64' ? 'arm64' : '' } },
  );
  let proc = start();
  await waitForPort(port);
  return {
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
  };
}

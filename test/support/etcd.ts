import { join } from 'node:path';
import { freePort, waitForPort } from './ports.js';
import { requireProgram, startProcess, type Started } from './processes.js';
import { makeTempDir } from './tmp.js';

export interface EtcdServer {
  readonly endpoint: string; // http://127.0.0.1:PORT
  readonly port: number;
  readonly process: Started;
  stop(): Promise<void>;
}

/** A real etcd (Debian etcd-server) on loopback with its own data directory. */
export async function startEtcd(): Promise<EtcdServer> {
  const bin = await requireProgram('etcd', 'etcd-server');
  const dir = await makeTempDir('ogygia-etcd-');
  const port = await freePort();
  const peer = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = startProcess(
    bin,
    [
      '--name', 'test', '--data-dir', join(dir.path, 'data'),
      '--listen-client-urls', url, '--advertise-client-urls', url,
      '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
      '--initial-cluster', `test=http://127.0.0.1:${peer}`,
    ],
    { log: join(dir.path, 'etcd.log'), env: { ...process.env, ETCD_UNSUPPORTED_ARCH: process.arch === 'arm64' ? 'arm64' : '' } },
  );
  await waitForPort(port);
  return {
    endpoint: url,
    port,
    process: proc,
    async stop() {
      await proc.stop();
      await dir.cleanup();
    },
  };
}

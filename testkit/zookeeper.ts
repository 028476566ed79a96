import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, waitForPort } from './ports.js';
import { requireProgram, startProcess, type Started } from './processes.js';
import { makeTempDir } from './tmp.js';

export interface ZooKeeperServer {
  readonly endpoint: string; // 127.0.0.1:PORT
  readonly port: number;
  readonly process: Started;
  stop(): Promise<void>;
}

export interface ZooKeeperOptions {
  /**
   * ZooKeeper's super user, as `user:base64(sha1(user:password))`
   * (core/fleet/zookeeper-acl.ts digestId): a session authenticated as it
   * passes every ACL, the administrator of the fleet's nodes.
   */
  readonly superDigest?: string;
}

/** A real standalone ZooKeeper 3.8 (Debian `zookeeper`) on loopback, started without zkServer.sh. */
export async function startZooKeeper(opts: ZooKeeperOptions = {}): Promise<ZooKeeperServer> {
  const java = await requireProgram('java', 'default-jre-headless');
  if (!existsSync('/usr/share/java/zookeeper.jar')) {
    throw new Error('ZooKeeper is not installed; run: apt-get install -y zookeeper (bash .ci/run installs it)');
  }
  const dir = await makeTempDir('ogygia-zk-');
  const port = await freePort();
  const cfg = join(dir.path, 'zoo.cfg');
  await writeFile(
    cfg,
    [`tickTime=2000`, `dataDir=${join(dir.path, 'data')}`, `clientPort=${port}`, `clientPortAddress=127.0.0.1`,
      `admin.enableServer=false`, `4lw.commands.whitelist=ruok,stat`].join('\n') + '\n',
  );
  const cp = ['/etc/zookeeper/conf', '/usr/share/java/zookeeper.jar', '/usr/share/java/zookeeper-jute.jar',
    '/usr/share/java/slf4j-api.jar', '/usr/share/java/slf4j-simple.jar', '/usr/share/java/log4j-1.2.jar',
    '/usr/share/java/netty.jar', '/usr/share/java/commons-cli.jar'].filter((p) => existsSync(p)).join(':');
  const superUser = opts.superDigest ? [`-Dzookeeper.DigestAuthenticationProvider.superDigest=${opts.superDigest}`] : [];
  const proc = startProcess(java, ['-Xmx256m', ...superUser, '-cp', `${cp}:/usr/share/java/*`, 'org.apache.zookeeper.server.ZooKeeperServerMain', cfg], {
    log: join(dir.path, 'zookeeper.log'),
  });
  try {
    // An open port is not a serving ZooKeeper: it binds before its server is running, and until then
    // it leaves `ruok` unanswered. Ready means `imok`.
    await waitForPort(port, '127.0.0.1', 60_000);
    await untilServing(port, 60_000);
  } catch (e) {
    // Never leave a ZooKeeper behind that did not come up in time (the test fails; the process must not outlive it).
    await proc.stop();
    await dir.cleanup();
    throw e;
  }
  return {
    endpoint: `127.0.0.1:${port}`,
    port,
    process: proc,
    async stop() {
      await proc.stop();
      await dir.cleanup();
    },
  };
}

/** `ruok` until ZooKeeper answers `imok` (each try 2 s), or an error naming the port after `timeoutMs`. */
async function untilServing(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    last = await new Promise<string>((resolve) => {
      const s = connect(port, '127.0.0.1', () => s.write('ruok'));
      let buf = '';
      s.setTimeout(2000, () => {
        s.destroy();
        resolve(buf || 'no answer');
      });
      s.on('data', (d) => (buf += d.toString()));
      s.on('end', () => resolve(buf || 'closed without an answer'));
      s.on('error', (e) => resolve(e.message));
    });
    if (last === 'imok') return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`ZooKeeper on 127.0.0.1:${port} is listening but not serving after ${timeoutMs / 1000} s (last ruok: ${last}); see its log`);
}

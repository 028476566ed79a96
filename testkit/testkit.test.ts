import { execa } from 'execa';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEtcd } from './etcd.js';
import { startGitHttpServer } from './git-http.js';
import { makeTempDir } from './tmp.js';
import { startZooKeeper } from './zookeeper.js';

// The test harness itself runs the real programs: if these fail, nothing else can be trusted.
describe('test support', () => {
  it('starts a real etcd and stops it by PID', async () => {
    const etcd = await startEtcd();
    try {
      await execa('etcdctl', ['--endpoints', etcd.endpoint, 'put', '/k', 'v'], { env: { ...process.env, ETCDCTL_API: '3' } });
      const r = await execa('etcdctl', ['--endpoints', etcd.endpoint, 'get', '--print-value-only', '/k'], { env: { ...process.env, ETCDCTL_API: '3' } });
      expect(String(r.stdout).trim()).toBe('v');
    } finally {
      await etcd.stop();
    }
    expect(() => process.kill(etcd.process.pid, 0)).toThrow();
  });

  it('starts a real ZooKeeper', async () => {
    const zk = await startZooKeeper();
    try {
      const { connect } = await import('node:net');
      const reply = await new Promise<string>((resolve, reject) => {
        const s = connect(zk.port, '127.0.0.1', () => s.write('ruok'));
        // No answer is a failure, not a hang: a test that times out would never reach zk.stop() below.
        s.setTimeout(20_000, () => {
          s.destroy();
          reject(new Error(`ZooKeeper on port ${zk.port} did not answer ruok within 20 s`));
        });
        let buf = '';
        s.on('data', (d) => (buf += d.toString()));
        s.on('end', () => resolve(buf));
        s.on('error', reject);
      });
      expect(reply).toBe('imok');
    } finally {
      await zk.stop();
    }
  });

  it('serves clone and push over git smart HTTP', async () => {
    const tmp = await makeTempDir();
    const srv = await startGitHttpServer(tmp.path);
    try {
      await execa('git', ['init', '-q', '--bare', '-b', 'main', join(tmp.path, 'r.git')]);
      const work = join(tmp.path, 'w');
      await mkdir(work);
      await execa('git', ['clone', '-q', `${srv.url}/r.git`, work]);
      await execa('git', ['-C', work, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'x']);
      await execa('git', ['-C', work, 'push', '-q', 'origin', 'HEAD:main']);
      const r = await execa('git', ['ls-remote', `${srv.url}/r.git`]);
      expect(String(r.stdout)).toMatch(/refs\/heads\/main/);
    } finally {
      await srv.stop();
      await tmp.cleanup();
    }
  });
});

import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../testkit/tmp.js';
import { ConfigError } from '../errors/index.js';
import { etcdSection, zookeeperSection } from '../config-schema.js';
import { Secret, readEtcdSecrets, readZooKeeperSecrets } from './credentials.js';
import { etcdStoreConfig, zookeeperStoreConfig } from './store-config.js';
import type { FleetStoreConfig } from './types.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
let dir: { path: string; cleanup: () => Promise<void> };
const file = (name: string) => join(dir.path, name);
const etcd = (credentials: FleetStoreConfig['credentials'], section = 'etcd'): FleetStoreConfig => ({
  endpoints: ['https://127.0.0.1:2379'],
  namespace: '/nixos/versions',
  timeoutSeconds: 10,
  section,
  ...(credentials ? { credentials } : {}),
});

beforeAll(async () => {
  dir = await makeTempDir('ogygia-fleet-credentials-');
  await writeFile(file('password'), '  hunter2 \n');
  await writeFile(file('empty'), '\n  \n');
  await writeFile(file('ca.pem'), PEM);
  await writeFile(file('not-pem'), 'hello');
  await writeFile(file('zk-auth'), 'web01:pa:ss word\n');
  await writeFile(file('zk-bad'), 'no colon here\n');
  await writeFile(file('zk-no-user'), ':secret\n');
  await writeFile(file('unreadable'), 'x');
  await chmod(file('unreadable'), 0o000);
});
afterAll(async () => {
  await dir?.cleanup();
});

async function configError(p: Promise<unknown>): Promise<ConfigError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ConfigError);
  return e as ConfigError;
}

describe('fleet store credentials', () => {
  it('maps config tables to store configs without reading anything', () => {
    const s = etcdSection.parse({ endpoints: ['https://e:2379'], username: 'web01', password_file: '/p', ca_file: '/ca' });
    expect(etcdStoreConfig(s, 'ogygia.etcd')).toEqual({
      endpoints: ['https://e:2379'],
      namespace: '/nixos/versions',
      timeoutSeconds: 10,
      section: 'ogygia.etcd',
      credentials: { username: 'web01', passwordFile: '/p', caFile: '/ca' },
    });
    expect(etcdStoreConfig(etcdSection.parse({ endpoints: ['http://e:2379'] }), 'etcd')).not.toHaveProperty('credentials');
    expect(zookeeperStoreConfig(zookeeperSection.parse({ endpoints: ['zk:2181'], auth_file: '/a' }), 'zookeeper').credentials).toEqual({ authFile: '/a' });
  });

  it('reads the password trimmed, and the TLS files as they are', async () => {
    const s = await readEtcdSecrets(etcd({ username: 'web01', passwordFile: file('password'), caFile: file('ca.pem'), certFile: file('ca.pem'), keyFile: file('ca.pem') }));
    expect(s.auth?.username).toBe('web01');
    expect(s.auth?.password.reveal()).toBe('hunter2');
    expect(s.tls?.ca?.toString()).toBe(PEM);
    expect(s.tls?.key?.reveal().toString()).toBe(PEM);
    expect(await readEtcdSecrets(etcd(undefined))).toEqual({});
  });

  it('never shows a secret in JSON, strings or inspect output', async () => {
    const s = await readEtcdSecrets(etcd({ username: 'web01', passwordFile: file('password'), keyFile: file('ca.pem'), certFile: file('ca.pem') }));
    for (const text of [JSON.stringify(s), inspect(s, { depth: 10 }), String(s.auth?.password), `${s.tls?.key}`]) {
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('MIIB');
    }
    expect(JSON.stringify(s)).toContain('"password":"[secret]"');
    expect(inspect(s, { depth: 10 })).toContain("key: [secret]");
    expect(new Secret('x').toString()).toBe('[secret]');
  });

  it('names the key, the file and the fix when a file is missing, unreadable, empty or not PEM', async () => {
    const missing = await configError(readEtcdSecrets(etcd({ username: 'web01', passwordFile: file('nope') }, 'ogygia.etcd')));
    expect(missing.message).toBe(
      `ogygia.etcd.password_file ${file('nope')} does not exist; create it holding the etcd password on one line, readable by the user running Ogygia (with systemd: LoadCredential).`,
    );
    expect(missing.data).toMatchObject({ setting: 'ogygia.etcd.password_file', file: file('nope'), problems: [`ogygia.etcd.password_file: ${file('nope')} does not exist`] });
    if (process.getuid?.() !== 0) {
      // root reads files whatever their mode
      expect((await configError(readEtcdSecrets(etcd({ username: 'u', passwordFile: file('unreadable') })))).message).toContain('cannot be read (EACCES: not readable by this user)');
    }
    expect((await configError(readEtcdSecrets(etcd({ username: 'u', passwordFile: file('empty') })))).message).toMatch(/^etcd\.password_file .* is empty; write the etcd password/);
    const notPem = await configError(readEtcdSecrets(etcd({ caFile: file('not-pem') })));
    expect(notPem.message).toMatch(/^etcd\.ca_file .* has 1 problem\(s\); fix each one listed below/);
    expect(notPem.data.problems).toEqual([`etcd.ca_file: ${file('not-pem')} is not a PEM file (no "-----BEGIN" line)`]);
    expect((await configError(readEtcdSecrets(etcd({ certFile: file('ca.pem'), keyFile: file('nope') })))).message).toMatch(/^etcd\.key_file .* does not exist; point it at the PEM private key/);
  });

  it('reads a ZooKeeper auth file as user:password, split at the first colon', async () => {
    const zk = (authFile: string): FleetStoreConfig => ({ endpoints: ['zk:2181'], namespace: '/n', timeoutSeconds: 10, section: 'zookeeper', credentials: { authFile } });
    const s = await readZooKeeperSecrets(zk(file('zk-auth')));
    expect(s.digest?.user).toBe('web01');
    expect(s.digest?.password.reveal()).toBe('pa:ss word');
    for (const bad of ['zk-bad', 'zk-no-user']) {
      const e = await configError(readZooKeeperSecrets(zk(file(bad))));
      expect(e.data.problems).toEqual([`zookeeper.auth_file: ${file(bad)} does not hold "user:password" on one line`]);
      expect(e.message).not.toContain('secret');
    }
    expect((await configError(readZooKeeperSecrets(zk(file('nope'))))).message).toMatch(/^zookeeper\.auth_file .* does not exist; create it holding this host's ZooKeeper digest credentials/);
    expect(await readZooKeeperSecrets({ endpoints: ['zk:2181'], namespace: '/n', timeoutSeconds: 10 })).toEqual({});
  });
});

import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import zookeeper, { type ACL, type Client } from 'node-zookeeper-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEtcdStore } from '../core/fleet/etcd-store.js';
import { Secret } from '../core/fleet/credentials.js';
import { PERM, digestId } from '../core/fleet/zookeeper-acl.js';
import type { RunningReconciler } from '../reconciler/main.js';
import { startEtcd, type EtcdServer } from '../testkit/etcd.js';
import { createChannelsRepo } from '../testkit/channel-repo.js';
import { getJson, startTestReconciler } from '../testkit/reconciler-harness.js';
import { makeStatusRoot } from '../testkit/status-root.js';
import { makeTestCa, type TestCa } from '../testkit/tls.js';
import { makeTempDir } from '../testkit/tmp.js';
import { startZooKeeper, type ZooKeeperServer } from '../testkit/zookeeper.js';

// DESIGN.md §11, issue 13 point 3: fleet store credentials against a real etcd
// with authentication enabled (passwords, then TLS client certificates) and a
// real ZooKeeper with digest auth. The roles and ACLs are the ones
// docs/status.md ("Fleet store credentials") tells operators to create; the
// publishers are the real `ogygia report` and `ogygia status` (the agent's
// publisher is in test/agent-fleet.test.ts).

const REPO = join(import.meta.dirname, '..');
const NS = '/nixos/versions';
const WEB01 = 'a1b2c3d4e5f6';
const DB01 = 'd0d0d0d0d0d0';
const cleanups: Array<() => Promise<void>> = [];
let tmp: string;
let web01Root: string;
let db01Root: string;

/** The real CLI from the sources, as testkit/agent-world.ts runs the agent. */
async function ogygia(args: string[], env: { config: string; host: string; root?: string }) {
  const r = await execa('node', ['--import', 'tsx', join(REPO, 'testkit/run-cli.ts'), ...args], {
    reject: false,
    cwd: REPO,
    timeout: 60_000,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmp, OGYGIA_CONFIG: env.config, OGYGIA_HOSTNAME: env.host, OGYGIA_ROOT: env.root ?? web01Root },
    extendEnv: false,
  });
  return { code: r.exitCode, out: String(r.stdout), err: String(r.stderr) };
}

async function file(name: string, text: string, mode = 0o600): Promise<string> {
  const p = join(tmp, name);
  await writeFile(p, text);
  await chmod(p, mode);
  return p;
}

beforeAll(async () => {
  const d = await makeTempDir('ogygia-fleet-auth-');
  tmp = d.path;
  cleanups.push(d.cleanup);
  const web01 = await makeStatusRoot({ current: WEB01, booted: WEB01, nextboot: WEB01 });
  const db01 = await makeStatusRoot({ current: DB01, booted: DB01, nextboot: DB01 });
  cleanups.push(web01.cleanup, db01.cleanup);
  web01Root = web01.path;
  db01Root = db01.path;
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/**
 * docs/status.md: one role per host with readwrite on `<namespace>/<host>/`,
 * a read-only role on the namespace for `ogygia status`, and the
 * reconciler's role on `<reconciler namespace>/reconciler/`. `password`
 * null: a user without password, for client-certificate (CN) login.
 */
async function grantFleetRoles(etcd: EtcdServer, users: Record<'web01' | 'db01' | 'ogygia-status' | 'ogygia-reconciler', string | null>): Promise<void> {
  await etcd.enableAuth('root-password');
  for (const host of ['web01', 'db01'] as const) {
    await etcd.addRole(`ogygia-host-${host}`, [{ permission: 'readwrite', prefix: `${NS}/${host}/` }]);
    await etcd.addUser(host, users[host], [`ogygia-host-${host}`]);
  }
  await etcd.addRole('ogygia-fleet-reader', [{ permission: 'read', prefix: `${NS}/` }]);
  await etcd.addUser('ogygia-status', users['ogygia-status'], ['ogygia-fleet-reader']);
  await etcd.addRole('ogygia-reconciler', [{ permission: 'readwrite', prefix: '/ogygia/reconciler/' }]);
  await etcd.addUser('ogygia-reconciler', users['ogygia-reconciler'], ['ogygia-reconciler']);
}

/** What etcd holds under the namespace, read as root. */
const etcdValues = (etcd: EtcdServer) => etcd.getPrefix(`${NS}/`);

const revisionsOf = (host: string, rev: string) => ({ [`${NS}/${host}/current`]: rev, [`${NS}/${host}/booted`]: rev, [`${NS}/${host}/nextboot`]: rev });

describe('etcd with user/password authentication (real etcd)', () => {
  let etcd: EtcdServer;
  const cfg: Record<string, string> = {};
  beforeAll(async () => {
    etcd = await startEtcd();
    await grantFleetRoles(etcd, { web01: 'web01-password', db01: 'db01-password', 'ogygia-status': 'status-password', 'ogygia-reconciler': 'reconciler-password' });
    const conf = async (name: string, user: string, password: string) =>
      file(
        `${name}.toml`,
        `[ogygia.etcd]\nendpoints = ["${etcd.endpoint}"]\ntimeout_seconds = 5\nusername = "${user}"\npassword_file = "${await file(`${name}.password`, `${password}\n`)}"\n`,
        0o644,
      );
    cfg.web01 = await conf('web01', 'web01', 'web01-password');
    cfg.db01 = await conf('db01', 'db01', 'db01-password');
    cfg.status = await conf('status', 'ogygia-status', 'status-password');
    cfg.wrong = await conf('wrong', 'web01', 'not-the-password');
    cfg.anonymous = await file('anonymous.toml', `[ogygia.etcd]\nendpoints = ["${etcd.endpoint}"]\ntimeout_seconds = 5\n`, 0o644);
    cfg.missing = await file(
      'missing.toml',
      `[ogygia.etcd]\nendpoints = ["${etcd.endpoint}"]\nusername = "web01"\npassword_file = "${join(tmp, 'no-such-password')}"\n`,
      0o644,
    );
  });
  afterAll(async () => {
    await etcd?.stop();
  });

  it("lets each host's credentials write its own <namespace>/<host>/ with `ogygia report`", async () => {
    const w = await ogygia(['report'], { config: cfg.web01!, host: 'web01', root: web01Root });
    expect(w.code, w.err).toBe(0);
    const d = await ogygia(['report'], { config: cfg.db01!, host: 'db01', root: db01Root });
    expect(d.code, d.err).toBe(0);
    expect(await etcdValues(etcd)).toEqual({ ...revisionsOf('db01', DB01), ...revisionsOf('web01', WEB01) });
  });

  it("refuses web01's credentials on db01's keys, with its own code, and db01's keys stay", async () => {
    const r = await ogygia(['report'], { config: cfg.web01!, host: 'db01', root: web01Root });
    expect(r.code).toBe(1);
    expect(r.err).toContain(`ogygia: etcd refused to write ${NS}/db01/ for user "web01" (permission denied); its role needs readwrite permission on the prefix ${NS}/db01/`);
    expect(r.err).toContain('[FleetStorePermissionError]');
    expect(await etcdValues(etcd)).toEqual({ ...revisionsOf('db01', DB01), ...revisionsOf('web01', WEB01) });
  });

  it('lets the read-only user read the fleet with `ogygia status`, and write nothing', async () => {
    const s = await ogygia(['status', '--json'], { config: cfg.status!, host: 'web01', root: web01Root });
    expect(s.code, s.err).toBe(0);
    const j = JSON.parse(s.out);
    expect(j).toMatchObject({ source: 'etcd', fallback: false });
    expect(j.hosts.map((h: { host: string; current: string }) => [h.host, h.current])).toEqual([
      ['web01', WEB01],
      ['db01', DB01],
    ]);
    const w = await ogygia(['report'], { config: cfg.status!, host: 'web01' });
    expect(w.code).toBe(1);
    expect(w.err).toContain(`etcd refused to write ${NS}/web01/ for user "ogygia-status" (permission denied)`);
    expect(w.err).toContain('[FleetStorePermissionError]');
  });

  it("does not let a host's credentials list the fleet without the reader role", async () => {
    const s = await ogygia(['status', '--json'], { config: cfg.web01!, host: 'web01' });
    expect(s.code).toBe(0); // status falls back to local data, saying why
    expect(JSON.parse(s.out)).toMatchObject({ fallback: true, error: { code: 'FleetStorePermissionError' } });
    expect(s.err).toContain(`etcd refused to read ${NS}/ for user "web01" (permission denied); its role needs read permission on the prefix ${NS}/.`);
  });

  it('makes a wrong password and a missing user clear errors with their own code, not a hang', async () => {
    const r = await ogygia(['report'], { config: cfg.wrong!, host: 'web01' });
    expect(r.code).toBe(1);
    expect(r.err).toContain(`ogygia: etcd at ["${etcd.endpoint}"] refused the credentials of user "web01" (authentication failed); check ogygia.etcd.username and the password in ogygia.etcd.password_file. [FleetStoreAuthError]`);
    expect(r.err).not.toContain('not-the-password');
    const s = await ogygia(['status', '--json'], { config: cfg.wrong!, host: 'web01' });
    expect(JSON.parse(s.out)).toMatchObject({ fallback: true, error: { code: 'FleetStoreAuthError' } });
    const a = await ogygia(['report'], { config: cfg.anonymous!, host: 'web01' });
    expect(a.code).toBe(1);
    expect(a.err).toContain('has authentication enabled and this client gave no user; set ogygia.etcd.username and ogygia.etcd.password_file');
    expect(a.err).toContain('[FleetStoreAuthError]');
  });

  it('stops with a ConfigError naming the key when the password file is missing', async () => {
    for (const cmd of ['report', 'status']) {
      const r = await ogygia([cmd], { config: cfg.missing!, host: 'web01' });
      expect(r.code).toBe(1);
      expect(r.err).toContain(`ogygia: ogygia.etcd.password_file ${join(tmp, 'no-such-password')} does not exist; create it holding the etcd password on one line`);
      expect(r.err).toContain('[ConfigError]');
    }
  });

  it('refuses a store opened with the wrong password on every call', async () => {
    const store = openEtcdStore(
      { endpoints: [etcd.endpoint], namespace: NS, timeoutSeconds: 5, section: 'etcd' },
      { auth: { username: 'db01', password: new Secret('wrong') } },
    );
    try {
      await expect(store.list()).rejects.toMatchObject({ code: 'FleetStoreAuthError' });
      await expect(store.publish('db01', { current: 'x', booted: 'x', nextboot: 'x' })).rejects.toMatchObject({ code: 'FleetStoreAuthError' });
    } finally {
      await store.close();
    }
  });

  describe('the reconciler sharing reports through etcd', () => {
    let repoDir: string;
    const running: RunningReconciler[] = [];
    beforeAll(async () => {
      repoDir = join(tmp, 'channels');
      await createChannelsRepo(repoDir);
    });
    afterAll(async () => {
      for (const r of running) await r.stop();
    });
    const start = async (state: string, user: string, password: string) => {
      const passwordFile = await file(`${state}.password`, password);
      return startTestReconciler({
        source: join(repoDir, 'remote', 'channels.git'),
        stateDir: join(tmp, state),
        extra: { etcd: { endpoints: [etcd.endpoint], timeout_seconds: 5, username: user, password_file: passwordFile } },
      });
    };

    it('stores reports under <namespace>/reconciler/ with its own user', async () => {
      const rec = await start('rec-ok', 'ogygia-reconciler', 'reconciler-password');
      running.push(rec);
      const report = {
        host: 'web01', channel: 'prod', state: 'applied', revision: 1, digest: null, commit: null,
        current: WEB01, booted: WEB01, nextboot: WEB01, agentVersion: '0.1.0', reportedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      };
      const post = await getJson(`${rec.url}/v1/hosts/web01/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(report) });
      expect(post.status).toBe(202);
      expect(JSON.parse((await etcd.getPrefix('/ogygia/reconciler/reports/'))['/ogygia/reconciler/reports/web01']!)).toMatchObject({ report: { host: 'web01' } });
      expect((await getJson(`${rec.url}/v1/hosts`)).body.hosts.map((h: { host: string }) => h.host)).toEqual(['web01']);
    });

    it('does not start with credentials etcd refuses', async () => {
      await expect(start('rec-wrong', 'ogygia-reconciler', 'wrong')).rejects.toMatchObject({ code: 'FleetStoreAuthError' });
      // A host's user has no permission on the reconciler's prefix.
      await expect(start('rec-host', 'web01', 'web01-password')).rejects.toMatchObject({
        code: 'FleetStorePermissionError',
        message: expect.stringContaining('etcd refused to read /ogygia/reconciler/reports/ for user "web01"'),
      });
    });
  });
});

describe('etcd with TLS client certificates (real etcd, --client-cert-auth)', () => {
  let etcd: EtcdServer;
  let ca: TestCa;
  const cfg: Record<string, string> = {};
  beforeAll(async () => {
    const dir = await makeTempDir('ogygia-fleet-tls-');
    cleanups.push(dir.cleanup);
    ca = await makeTestCa(dir.path);
    etcd = await startEtcd({ tls: { ca: ca.ca, server: await ca.server('etcd'), ctl: await ca.client('root'), clientCertAuth: true } });
    // Users without passwords: etcd takes the user from the certificate's CN.
    await grantFleetRoles(etcd, { web01: null, db01: null, 'ogygia-status': null, 'ogygia-reconciler': null });
    const conf = async (name: string, cert: { cert: string; key: string }, caFile: string | null = ca.ca) =>
      file(
        `tls-${name}.toml`,
        `[ogygia.etcd]\nendpoints = ["${etcd.endpoint}"]\ntimeout_seconds = 5\n${caFile ? `ca_file = "${caFile}"\n` : ''}cert_file = "${cert.cert}"\nkey_file = "${cert.key}"\n`,
        0o644,
      );
    cfg.web01 = await conf('web01', await ca.client('web01'));
    cfg.db01 = await conf('db01', await ca.client('db01'));
    cfg.status = await conf('status', await ca.client('ogygia-status'));
    const otherDir = await makeTempDir('ogygia-fleet-tls-other-');
    cleanups.push(otherDir.cleanup);
    const other = await makeTestCa(otherDir.path);
    cfg.foreign = await conf('foreign', await other.client('web01'));
    cfg.untrusted = await conf('untrusted', await ca.client('web01'), other.ca);
  });
  afterAll(async () => {
    await etcd?.stop();
  });

  it('lets web01 write its own keys with its certificate and refuses them on db01', async () => {
    expect((await ogygia(['report'], { config: cfg.web01!, host: 'web01', root: web01Root })).code).toBe(0);
    expect((await ogygia(['report'], { config: cfg.db01!, host: 'db01', root: db01Root })).code).toBe(0);
    const r = await ogygia(['report'], { config: cfg.web01!, host: 'db01', root: web01Root });
    expect(r.code).toBe(1);
    expect(r.err).toContain(`etcd refused to write ${NS}/db01/ for the client certificate of "web01" (permission denied)`);
    expect(r.err).toContain('[FleetStorePermissionError]');
    expect(await etcdValues(etcd)).toEqual({ ...revisionsOf('db01', DB01), ...revisionsOf('web01', WEB01) });
  });

  it('reads the fleet with the read-only certificate', async () => {
    const s = await ogygia(['status', '--json'], { config: cfg.status!, host: 'web01' });
    const j = JSON.parse(s.out);
    expect(j).toMatchObject({ source: 'etcd', fallback: false });
    expect(j.hosts.map((h: { host: string }) => h.host)).toEqual(['web01', 'db01']);
  });

  it('refuses a certificate from another CA, and a server it cannot verify, as FleetStoreAuthError', async () => {
    const foreign = await ogygia(['report'], { config: cfg.foreign!, host: 'web01' });
    expect(foreign.code).toBe(1);
    expect(foreign.err).toContain("refused this client's certificate in the TLS handshake; check ogygia.etcd.cert_file and ogygia.etcd.key_file");
    expect(foreign.err).toContain('[FleetStoreAuthError]');
    const untrusted = await ogygia(['report'], { config: cfg.untrusted!, host: 'web01' });
    expect(untrusted.code).toBe(1);
    expect(untrusted.err).toContain(`the certificate of etcd at ["${etcd.endpoint}"] is not trusted`);
    expect(untrusted.err).toContain('set ogygia.etcd.ca_file to the CA that signed the etcd server certificates. [FleetStoreAuthError]');
  });
});

describe('ZooKeeper with digest auth (real ZooKeeper)', () => {
  let zk: ZooKeeperServer;
  const cfg: Record<string, string> = {};
  const SUPER = ['super', 'zk-admin-password'] as const;

  /** A raw client, authenticated as `auth` (`user:password`) when given. */
  async function session<T>(auth: string | undefined, work: (c: Client) => Promise<T>): Promise<T> {
    const c = zookeeper.createClient(zk.endpoint);
    if (auth) c.addAuthInfo('digest', Buffer.from(auth));
    await new Promise<void>((resolve) => {
      c.once('connected', () => resolve());
      c.connect();
    });
    try {
      return await work(c);
    } finally {
      c.close();
    }
  }
  const call = <T>(f: (cb: (err: Error | null, v: T) => void) => void): Promise<T> =>
    new Promise((resolve, reject) => f((err, v) => (err ? reject(err) : resolve(v))));
  const acl = (c: Client, path: string) =>
    call<ACL[]>((cb) => c.getACL(path, cb)).then((acls) => acls.map((a) => `${a.id.scheme}:${a.id.id}:${a.permission}`).sort());
  const get = (c: Client, path: string) => call<Buffer | undefined>((cb) => c.getData(path, cb)).then((b) => b?.toString());

  beforeAll(async () => {
    zk = await startZooKeeper({ superDigest: digestId(...SUPER) });
    const conf = async (name: string, auth: string | null, ns = NS) =>
      file(
        `zk-${name}.toml`,
        `[ogygia.zookeeper]\nendpoints = ["${zk.endpoint}"]\nnamespace = "${ns}"\ntimeout_seconds = 10\n${auth ? `auth_file = "${await file(`zk-${name}.auth`, `${auth}\n`)}"\n` : ''}`,
        0o644,
      );
    cfg.web01 = await conf('web01', 'web01:web01-password');
    cfg.db01 = await conf('db01', 'db01:db01-password');
    cfg.wrong = await conf('wrong', 'web01:not-the-password');
    cfg.anonymous = await conf('anonymous', null);
    cfg.lockedWeb01 = await conf('locked-web01', 'web01:web01-password', '/locked/versions');
  });
  afterAll(async () => {
    await zk?.stop();
  });

  it("gives each host's nodes to its digest user: its own writes pass, readable by anyone", async () => {
    expect((await ogygia(['report'], { config: cfg.web01!, host: 'web01', root: web01Root })).code).toBe(0);
    expect((await ogygia(['report'], { config: cfg.db01!, host: 'db01', root: db01Root })).code).toBe(0);
    // Again: the nodes exist now and are overwritten by their owner.
    const again = await ogygia(['report'], { config: cfg.web01!, host: 'web01', root: web01Root });
    expect(again.code, again.err).toBe(0);
    // Read as the super user: ZooKeeper shows digest hashes in ACLs only to a session with ADMIN on the node.
    await session(SUPER.join(':'), async (c) => {
      const cdrw = PERM.CREATE | PERM.READ | PERM.WRITE | PERM.DELETE;
      expect(await acl(c, `${NS}/web01`)).toEqual([`digest:${digestId('web01', 'web01-password')}:${cdrw}`, 'world:anyone:1']);
      expect(await acl(c, `${NS}/web01/current`)).toEqual([`digest:${digestId('web01', 'web01-password')}:${cdrw}`, 'world:anyone:1']);
      expect(await acl(c, NS)).toEqual([`world:anyone:${PERM.READ | PERM.CREATE}`]);
    });
    await session(undefined, async (c) => {
      expect(await get(c, `${NS}/web01/current`)).toBe(WEB01);
      expect(await get(c, `${NS}/db01/current`)).toBe(DB01);
    });
    const s = await ogygia(['status', '--json'], { config: cfg.anonymous!, host: 'web01' });
    expect(JSON.parse(s.out).hosts.map((h: { host: string; current: string }) => [h.host, h.current])).toEqual([
      ['web01', WEB01],
      ['db01', DB01],
    ]);
  });

  it("refuses web01's digest, a wrong password and an anonymous client on db01's nodes", async () => {
    for (const [config, who] of [
      [cfg.web01!, 'digest user "web01"'],
      [cfg.wrong!, 'digest user "web01"'],
      [cfg.anonymous!, 'an anonymous client'],
    ] as const) {
      const r = await ogygia(['report'], { config, host: 'db01', root: web01Root });
      expect(r.code).toBe(1);
      expect(r.err).toMatch(new RegExp(`ZooKeeper refused to write ${NS}/db01/\\w+ for ${who} \\(NoAuth: the node's ACL does not grant it\\)`));
      expect(r.err).toContain('[FleetStorePermissionError]');
    }
    // web01 with a wrong password is not web01.
    const w = await ogygia(['report'], { config: cfg.wrong!, host: 'web01', root: db01Root });
    expect(w.code).toBe(1);
    expect(w.err).toContain('[FleetStorePermissionError]');
    await session(undefined, async (c) => {
      expect(await get(c, `${NS}/db01/current`)).toBe(DB01);
      expect(await get(c, `${NS}/web01/current`)).toBe(WEB01);
    });
  });

  it('keeps a namespace the administrator locked down: a host writes only the node made for it', async () => {
    // docs/status.md: the super user creates the namespace read-only and one node per host.
    await session(SUPER.join(':'), async (c) => {
      const readOnly = [new zookeeper.ACL(PERM.READ, new zookeeper.Id('world', 'anyone'))];
      const forWeb01 = [
        new zookeeper.ACL(PERM.CREATE | PERM.READ | PERM.WRITE | PERM.DELETE, new zookeeper.Id('digest', digestId('web01', 'web01-password'))),
        ...readOnly,
      ];
      await call((cb) => c.create('/locked', Buffer.alloc(0), readOnly, cb));
      await call((cb) => c.create('/locked/versions', Buffer.alloc(0), readOnly, cb));
      await call((cb) => c.create('/locked/versions/web01', Buffer.alloc(0), forWeb01, cb));
    });
    const ok = await ogygia(['report'], { config: cfg.lockedWeb01!, host: 'web01', root: web01Root });
    expect(ok.code, ok.err).toBe(0);
    const squat = await ogygia(['report'], { config: cfg.lockedWeb01!, host: 'db99', root: web01Root });
    expect(squat.code).toBe(1);
    expect(squat.err).toContain('ZooKeeper refused to write /locked/versions/db99 for digest user "web01"');
    await session(undefined, async (c) => {
      expect(await get(c, '/locked/versions/web01/current')).toBe(WEB01);
      expect(await call<string[]>((cb) => c.getChildren('/locked/versions', cb))).toEqual(['web01']);
    });
  });

  it('stops with a ConfigError naming the key when the auth file is not user:password', async () => {
    const bad = await file('zk-bad.toml', `[ogygia.zookeeper]\nendpoints = ["${zk.endpoint}"]\nauth_file = "${await file('zk-bad.auth', 'just-a-password\n')}"\n`, 0o644);
    const r = await ogygia(['report'], { config: bad, host: 'web01' });
    expect(r.code).toBe(1);
    expect(r.err).toContain('ogygia.zookeeper.auth_file:');
    expect(r.err).toContain('does not hold "user:password" on one line');
    expect(r.err).not.toContain('just-a-password');
  });
});

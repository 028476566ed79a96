import { describe, expect, it } from 'vitest';
import { testPublicKey } from '../testkit/keys.js';
import { DEFAULT_HOST_KEY_FILE, DEFAULT_REBOOT_COMMAND, hostKeyFile, parseAgentConfig, rebootWindow, reportBaseUrl, sourceSpec, toAgentConfig } from './config.js';

const pub = testPublicKey('test-only-ops-1');

describe('agent config', () => {
  it('fills defaults for a minimal file', () => {
    const r = parseAgentConfig(`channel = "prod"\nsource = "http://127.0.0.1:35740"\n[trust]\nkeys = ["${pub}"]\n`);
    expect(r.errors).toEqual([]);
    expect(r.value).toMatchObject({
      poll_interval_seconds: 60,
      state_dir: '/var/lib/ogygia-agent',
      nix: { profile: '/nix/var/nix/profiles/system', action: 'switch', substituters: [] },
      health: { timeout_seconds: 120 },
      trust: { threshold: 1 },
    });
  });

  it('lists every problem as path: message', () => {
    const r = parseAgentConfig(
      `channel = "Prod!"\nsource = "ftp://x"\nstate_dir = "relative"\nbogus = 1\n[trust]\nkeys = ["${pub}"]\nthreshold = 2\n[nix]\naction = "reboot"\n`,
    );
    expect(r.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^channel: /),
        expect.stringMatching(/^source: /),
        expect.stringMatching(/^state_dir: /),
        expect.stringMatching(/^bogus: unknown key/),
        expect.stringMatching(/^trust\.threshold: is 2 but only 1 key/),
        expect.stringMatching(/^nix\.action: /),
      ]),
    );
  });

  it('reads [reboot]: never by default, any time, systemctl reboot (DESIGN.md §13)', () => {
    const base = `channel = "prod"\nsource = "http://127.0.0.1:35740"\n[trust]\nkeys = ["${pub}"]\n`;
    const d = parseAgentConfig(base).value!;
    expect(d.reboot).toEqual({ policy: 'never', command: 'systemctl reboot', timeout_seconds: 120 });
    expect(DEFAULT_REBOOT_COMMAND).toBe('systemctl reboot');
    expect(rebootWindow(d)).toBeUndefined();
    const set = parseAgentConfig(`${base}[reboot]\npolicy = "when-required"\nwindow = "23:30-01:15"\ncommand = "/run/current-system/sw/bin/reboot"\n`);
    expect(set.errors).toEqual([]);
    expect(set.value!.reboot).toMatchObject({ policy: 'when-required', window: '23:30-01:15', command: '/run/current-system/sw/bin/reboot' });
    expect(rebootWindow(set.value!)).toEqual({ start: (23 * 60 + 30) * 60_000, end: 75 * 60_000 });
  });

  it('refuses a bad [reboot] with the key and what is wrong', () => {
    const base = `channel = "prod"\nsource = "http://127.0.0.1:35740"\n[trust]\nkeys = ["${pub}"]\n`;
    const r = parseAgentConfig(`${base}[reboot]\npolicy = "always"\nwindow = "2am-4am"\ncommand = ""\nwhen = 1\n`);
    expect(r.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^reboot\.policy: must be one of never, when-required/),
        expect.stringMatching(/^reboot\.window: must be a local time window "HH:MM-HH:MM"/),
        expect.stringMatching(/^reboot\.command: /),
        expect.stringMatching(/^reboot\.when: unknown key/),
      ]),
    );
    expect(parseAgentConfig(`${base}[reboot]\nwindow = "03:00-03:00"\n`).errors).toEqual([
      'reboot.window: must not start and end at the same minute (leave window out to allow any time)',
    ]);
  });

  it('reads the three kinds of source', () => {
    expect(sourceSpec('http://r:35740/')).toEqual({ kind: 'reconciler', url: 'http://r:35740' });
    expect(sourceSpec('git+https://r/git/channels.git')).toEqual({ kind: 'git-remote', url: 'https://r/git/channels.git' });
    expect(sourceSpec('/srv/git/channels.git')).toEqual({ kind: 'git-local', path: '/srv/git/channels.git' });
  });

  it('reports to the reconciler source unless [report] url says otherwise', () => {
    const base = `channel = "prod"\n[trust]\nkeys = ["${pub}"]\n`;
    const http = toAgentConfig(parseAgentConfig(`source = "http://r:35740"\n${base}`).value!);
    expect(reportBaseUrl(http)).toBe('http://r:35740');
    const git = toAgentConfig(parseAgentConfig(`source = "/srv/git/channels.git"\n${base}`).value!);
    expect(reportBaseUrl(git)).toBeUndefined();
    const both = toAgentConfig(parseAgentConfig(`source = "/srv/git/channels.git"\n${base}[report]\nurl = "http://r:35740/"\n`).value!);
    expect(reportBaseUrl(both)).toBe('http://r:35740');
  });

  it('signs reports with sshd\'s ed25519 host key unless [report] host_key_file names another (DESIGN.md §11)', () => {
    const base = `channel = "prod"\nsource = "http://127.0.0.1:35740"\n[trust]\nkeys = ["${pub}"]\n`;
    expect(hostKeyFile(parseAgentConfig(base).value!)).toEqual({ file: DEFAULT_HOST_KEY_FILE, explicit: false });
    expect(DEFAULT_HOST_KEY_FILE).toBe('/etc/ssh/ssh_host_ed25519_key');
    const set = parseAgentConfig(`${base}[report]\nhost_key_file = "/run/credentials/ogygia-agent.service/host-key"\n`);
    expect(hostKeyFile(set.value!)).toEqual({ file: '/run/credentials/ogygia-agent.service/host-key', explicit: true });
    expect(parseAgentConfig(`${base}[report]\nhost_key_file = "keys/host"\n`).errors).toEqual(['report.host_key_file: must be an absolute path']);
  });

  describe('fleet store credentials (DESIGN.md §11)', () => {
    const base = `channel = "prod"\nsource = "http://r:35740"\n[trust]\nkeys = ["${pub}"]\n`;

    it('takes an etcd user, password file and TLS files, and a ZooKeeper auth file', () => {
      const etcd = parseAgentConfig(
        `${base}[etcd]\nendpoints = ["https://etcd1:2379", "https://etcd2:2379"]\nusername = "web01"\npassword_file = "/run/credentials/ogygia-agent.service/etcd-password"\n` +
          `ca_file = "/etc/ssl/etcd-ca.pem"\ncert_file = "/run/credentials/ogygia-agent.service/etcd-cert"\nkey_file = "/run/credentials/ogygia-agent.service/etcd-key"\n`,
      );
      expect(etcd.errors).toEqual([]);
      expect(etcd.value?.etcd).toMatchObject({ username: 'web01', password_file: '/run/credentials/ogygia-agent.service/etcd-password', key_file: '/run/credentials/ogygia-agent.service/etcd-key' });
      const zk = parseAgentConfig(`${base}[zookeeper]\nendpoints = ["zk1:2181"]\nauth_file = "/run/credentials/ogygia-agent.service/zookeeper-auth"\n`);
      expect(zk.errors).toEqual([]);
      expect(zk.value?.zookeeper?.auth_file).toBe('/run/credentials/ogygia-agent.service/zookeeper-auth');
    });

    it('refuses half a credential, relative paths, TLS over http:// and mixed schemes, naming each key', () => {
      const r = parseAgentConfig(`${base}[etcd]\nendpoints = ["http://etcd1:2379"]\nusername = "web01"\ncert_file = "/etc/c.pem"\nca_file = "ca.pem"\n`);
      expect(r.errors).toEqual(
        expect.arrayContaining([
          'etcd.password_file: is required with username',
          'etcd.key_file: is required with cert_file',
          'etcd.ca_file: must be an absolute path',
        ]),
      );
      expect(parseAgentConfig(`${base}[etcd]\nendpoints = ["http://e:2379"]\nca_file = "/etc/ca.pem"\n`).errors).toEqual([
        'etcd.endpoints: must be https:// URLs when ca_file or cert_file is set (TLS)',
      ]);
      expect(parseAgentConfig(`${base}[etcd]\nendpoints = ["http://e1:2379", "https://e2:2379"]\n`).errors).toEqual(['etcd.endpoints: must be all https:// or all http://, not a mix']);
      expect(parseAgentConfig(`${base}[etcd]\nendpoints = ["http://e:2379"]\npassword_file = "/p"\n`).errors).toEqual(['etcd.username: is required with password_file']);
      expect(parseAgentConfig(`${base}[etcd]\nendpoints = ["http://e:2379"]\npassword = "inline"\n`).errors).toEqual([
        'etcd.password: unknown key; check its spelling against the documentation',
      ]);
      expect(parseAgentConfig(`${base}[zookeeper]\nendpoints = ["zk1:2181"]\nauth_file = "auth"\n`).errors).toEqual(['zookeeper.auth_file: must be an absolute path']);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../core/config-file.js';
import { testPublicKey } from '../testkit/keys.js';
import { reconcilerConfigSchema, toReconcilerConfig } from './config.js';

const key = testPublicKey('test-only-ops-1');
const key2 = testPublicKey('test-only-ops-2');

describe('reconciler.toml', () => {
  it('fills the defaults that serve', () => {
    const r = parseConfigText(`source = "/srv/git/channels.git"\n[trust]\nkeys = ["${key}"]\n`, reconcilerConfigSchema, 'r.toml');
    expect(r.errors).toEqual([]);
    const cfg = toReconcilerConfig(r.value!);
    expect(cfg.sourceKind).toBe('local');
    expect(cfg.file).toMatchObject({
      branch: 'main',
      listen: '127.0.0.1:35740',
      state_dir: '/var/lib/ogygia-reconciler',
      poll_interval_seconds: 60,
      git: 'git',
      reports: { token_files: [], stale_after_seconds: 180, max_hosts: 10_000 },
      rollout: { max_concurrent_reboots: 1, reboot_slot_timeout_seconds: 1800 },
    });
    expect(cfg.file.etcd).toBeUndefined();
  });

  it('takes [rollout] reboot slots (DESIGN.md §13) and refuses fewer than one', () => {
    const base = `source = "/srv/git/channels.git"\n[trust]\nkeys = ["${key}"]\n`;
    const r = parseConfigText(`${base}[rollout]\nmax_concurrent_reboots = 3\nreboot_slot_timeout_seconds = 900\n`, reconcilerConfigSchema, 'r.toml');
    expect(r.value?.rollout).toEqual({ max_concurrent_reboots: 3, reboot_slot_timeout_seconds: 900 });
    const bad = parseConfigText(`${base}[rollout]\nmax_concurrent_reboots = 0\nreboot_slot_timeout_seconds = -1\n`, reconcilerConfigSchema, 'r.toml');
    expect(bad.errors).toEqual(
      expect.arrayContaining([expect.stringMatching(/^rollout\.max_concurrent_reboots: must be at least 1/), expect.stringMatching(/^rollout\.reboot_slot_timeout_seconds: /)]),
    );
  });

  it('reads the DESIGN.md example with per-channel thresholds and etcd', () => {
    const text = `
source = "https://git.example.com/ops/channels.git"
branch = "release"
listen = "0.0.0.0:35740"
state_dir = "/var/lib/r"
poll_interval_seconds = 30
[trust]
keys = ["${key}", "${key2}"]
threshold = 1
[trust.channels.prod]
threshold = 2
[webhook]
secret_file = "/run/credentials/webhook"
[reports]
token_files = ["/run/credentials/report-token"]
[etcd]
endpoints = ["http://127.0.0.1:2379"]
`;
    const r = parseConfigText(text, reconcilerConfigSchema, 'r.toml');
    expect(r.errors).toEqual([]);
    const cfg = toReconcilerConfig(r.value!);
    expect(cfg.sourceKind).toBe('remote');
    expect(cfg.trust.channels.prod?.threshold).toBe(2);
    expect(cfg.file.etcd?.namespace).toBe('/ogygia');
  });

  it('takes etcd credentials like the agent does, keeping its own namespace default', () => {
    const text = `source = "/srv/git/channels.git"\n[trust]\nkeys = ["${key}"]\n[etcd]\nendpoints = ["https://etcd1:2379"]\nusername = "ogygia-reconciler"\n` +
      `password_file = "/run/credentials/ogygia-reconciler.service/etcd-password"\nca_file = "/etc/ssl/etcd-ca.pem"\n`;
    const r = parseConfigText(text, reconcilerConfigSchema, 'r.toml');
    expect(r.errors).toEqual([]);
    expect(r.value?.etcd).toMatchObject({ namespace: '/ogygia', username: 'ogygia-reconciler', ca_file: '/etc/ssl/etcd-ca.pem' });
    const half = parseConfigText(`source = "/srv/git/channels.git"\n[trust]\nkeys = ["${key}"]\n[etcd]\nendpoints = ["http://e:2379"]\nusername = "r"\n`, reconcilerConfigSchema, 'r.toml');
    expect(half.errors).toEqual(['etcd.password_file: is required with username']);
  });

  it('lists every problem as path.to.key: message', () => {
    const text = `
source = "channels.git"
listen = "everywhere"
poll_interval_seconds = -1
typo = true
[trust]
keys = ["${key}"]
threshold = 3
[trust.channels.prod]
threshold = 0
[reports]
token_files = ["relative"]
max_hosts = 0
`;
    const r = parseConfigText(text, reconcilerConfigSchema, 'r.toml');
    expect(r.errors).toEqual(
      expect.arrayContaining([
        'source: must be an http(s):// git remote URL or an absolute path to a local repository',
        'listen: must be host:port, e.g. 127.0.0.1:35740',
        'poll_interval_seconds: must be a positive number of seconds',
        'typo: unknown key; check its spelling against the documentation',
        'trust.channels.prod.threshold: must be at least 1',
        'reports.token_files.0: must be an absolute path',
        'reports.max_hosts: must be at least 1',
      ]),
    );
  });

  it('takes [impact] (caches and cache keys for the dashboard\'s closure diffs) and lists what is wrong in it', () => {
    const ok = parseConfigText(`source = "/srv/git"\n[trust]\nkeys = ["${key}"]\n[impact]\ncaches = ["https://cache.example.com", "file:///srv/cache"]\ntrusted_keys = ["${key2}"]\n`, reconcilerConfigSchema, 'r.toml');
    expect(ok.errors).toEqual([]);
    expect(ok.value!.impact).toMatchObject({ caches: ['https://cache.example.com', 'file:///srv/cache'], concurrency: 16 });
    const bad = parseConfigText(`source = "/srv/git"\n[trust]\nkeys = ["${key}"]\n[impact]\ncaches = ["ftp://x"]\ntrusted_keys = []\n`, reconcilerConfigSchema, 'r.toml');
    expect(bad.errors).toEqual(['impact.caches.0: must be an http(s):// or file:// binary cache URL', 'impact.trusted_keys: must list at least one cache key (NAME:BASE64)']);
  });
});

import { describe, expect, it } from 'vitest';
import { entriesFromReconcilerHosts } from './reconciler-hosts.js';
import { agentDetail, formatLastSeen } from './agent-detail.js';
import { chooseFleetSource } from './fleet-source.js';
import { statusConfigSchema } from './config.js';
import { validateConfig } from '../core/config-file.js';

describe('agentDetail', () => {
  it('reads the wide columns and their aliases', () => {
    expect(agentDetail({ channel: 'prod', appliedRevision: 7, phase: 'applying', reportedAt: '2026-01-02T03:04:05.678Z', extra: 1 })).toEqual({
      channel: 'prod',
      revision: '7',
      state: 'applying',
      lastSeen: '2026-01-02T03:04:05Z',
    });
    expect(agentDetail(undefined)).toEqual({});
    expect(agentDetail({ channel: '', state: null })).toEqual({});
    expect(formatLastSeen('5 minutes ago')).toBe('5 minutes ago');
  });
});

describe('entriesFromReconcilerHosts', () => {
  it('accepts an array or { hosts }, with revisions at the top or under report', () => {
    const rows = [
      { host: 'web02', channel: 'prod', desiredRevision: 42, appliedRevision: 41, state: 'pending', lastSeen: '2026-01-01T00:00:00Z', current: 'aaa', booted: 'bbb', nextboot: 'ccc' },
      { host: 'web01', report: { current: 'x', booted: 'y', nextboot: 'z' } },
      { nohost: true },
    ];
    const expected = [
      { host: 'web01', current: 'x', booted: 'y', nextboot: 'z' },
      { host: 'web02', current: 'aaa', booted: 'bbb', nextboot: 'ccc', agent: { channel: 'prod', revision: 41, desiredRevision: 42, state: 'pending', lastSeen: '2026-01-01T00:00:00Z' } },
    ];
    expect(entriesFromReconcilerHosts(rows)).toEqual(expected);
    expect(entriesFromReconcilerHosts({ hosts: rows })).toEqual(expected);
    expect(entriesFromReconcilerHosts({ nope: 1 })).toBeUndefined();
  });
});

describe('status config', () => {
  const parse = (raw: unknown) => validateConfig(raw, statusConfigSchema);
  it('applies the README defaults', () => {
    const r = parse({ ogygia: { domain: 'example.com', etcd: { endpoints: ['http://etcd1:2379'] } } });
    expect(r.errors).toEqual([]);
    expect(r.value!.ogygia.etcd).toEqual({ endpoints: ['http://etcd1:2379'], namespace: '/nixos/versions', timeout_seconds: 10 });
  });
  it('names every wrong key', () => {
    expect(parse({ ogygia: { etcd: { endpoints: ['etcd1:2379'], timeout_seconds: -1 }, zookeper: {} } }).errors).toEqual([
      'ogygia.etcd.endpoints.0: must be an http:// or https:// URL',
      'ogygia.etcd.timeout_seconds: must be a positive number of seconds',
      'ogygia.zookeper: unknown key; check its spelling against the documentation',
    ]);
  });
  it('prefers etcd, then an enabled ZooKeeper, then the reconciler', () => {
    const zk = { endpoints: ['127.0.0.1:2181'] };
    const pick = (o: object) => chooseFleetSource(parse({ ogygia: o }).value!).kind;
    expect(pick({ etcd: { endpoints: ['http://a:1'] }, zookeeper: zk, reconciler: { url: 'http://r' } })).toBe('etcd');
    expect(pick({ zookeeper: zk, reconciler: { url: 'http://r' } })).toBe('zookeeper');
    expect(pick({ zookeeper: { ...zk, enable: false }, reconciler: { url: 'http://r' } })).toBe('reconciler');
    expect(pick({})).toBe('none');
  });
});

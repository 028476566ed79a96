import { describe, expect, it } from 'vitest';
import type { FleetDetail } from '../core/wire/fleet-detail.js';
import type { HostRow } from '../core/wire/host-row.js';
import { readHostsBody } from './reconciler-hosts.js';
import { agentDetail, formatLastSeen, fromFleetDetail, fromHostRow } from './agent-detail.js';
import { chooseFleetSource } from './fleet-source.js';
import { statusConfigSchema } from './config.js';
import { validateConfig } from '../core/config-file.js';

const D = 'sha256:' + 'd'.repeat(64);
const C = 'c'.repeat(40);

const row = (host: string, over: Partial<HostRow> = {}): HostRow => ({
  host,
  channel: 'prod',
  state: 'pending',
  agentState: 'applied',
  desired: { revision: 42, digest: D, commit: C },
  applied: { revision: 41, digest: D, commit: C },
  current: 'aaa',
  booted: 'bbb',
  nextboot: 'ccc',
  error: null,
  agentVersion: '0.1.0',
  reportedAt: '2026-01-01T00:00:00.000Z',
  lastSeen: '2026-01-01T00:00:01.234Z',
  ...over,
});

describe('agentDetail', () => {
  it('reads the wide columns of an agent detail: its channel, applied revision, own state and report time', () => {
    const detail: FleetDetail = { channel: 'prod', state: 'applying', revision: 7, digest: D, commit: C, agentVersion: '0.1.0', reportedAt: '2026-01-02T03:04:05.678Z' };
    expect(agentDetail(fromFleetDetail(detail))).toEqual({
      channel: 'prod',
      revision: '7',
      state: 'applying',
      lastSeen: '2026-01-02T03:04:05Z',
    });
    expect(agentDetail(fromFleetDetail({ ...detail, revision: null, digest: null, commit: null }))).toEqual({ channel: 'prod', state: 'applying', lastSeen: '2026-01-02T03:04:05Z' });
    expect(agentDetail(undefined)).toEqual({});
    expect(agentDetail({ channel: '', revision: null })).toEqual({});
    expect(formatLastSeen('5 minutes ago')).toBe('5 minutes ago');
  });
  it('reads the wide columns of a reconciler row: the applied revision, the derived state, when it was last seen', () => {
    expect(agentDetail(fromHostRow(row('web02')))).toEqual({ channel: 'prod', revision: '41', state: 'pending', lastSeen: '2026-01-01T00:00:01Z' });
  });
  it('shows a host waiting for its reboot, or whose boot failed, in the State column (DESIGN.md §13)', () => {
    expect(agentDetail(fromHostRow(row('web03', { state: 'reboot-required', agentState: 'reboot-required' }))).state).toBe('reboot-required');
    expect(agentDetail(fromHostRow(row('web04', { state: 'boot-failed', agentState: 'boot-failed' }))).state).toBe('boot-failed');
    const detail: FleetDetail = { channel: 'prod', state: 'reboot-required', revision: 7, digest: D, commit: C, agentVersion: '0.1.0', reportedAt: '2026-01-02T03:04:05.678Z' };
    expect(agentDetail(fromFleetDetail(detail)).state).toBe('reboot-required');
    expect(readHostsBody({ hosts: [row('web03', { state: 'reboot-required', agentState: 'reboot-required' })] })).toMatchObject({ fleet: [{ detail: { state: 'reboot-required' } }] });
  });
});

describe('readHostsBody', () => {
  it('reads the rows of GET /v1/hosts through the host row schema', () => {
    const rows = [row('web02'), row('web01', { state: 'in-sync', applied: { revision: 42, digest: D, commit: C } })];
    expect(readHostsBody({ hosts: rows })).toEqual({
      fleet: [
        { host: 'web02', current: 'aaa', booted: 'bbb', nextboot: 'ccc', detail: { channel: 'prod', revision: 41, state: 'pending', lastSeen: '2026-01-01T00:00:01.234Z' } },
        { host: 'web01', current: 'aaa', booted: 'bbb', nextboot: 'ccc', detail: { channel: 'prod', revision: 42, state: 'in-sync', lastSeen: '2026-01-01T00:00:01.234Z' } },
      ],
    });
    expect(readHostsBody({ hosts: [] })).toEqual({ fleet: [] });
  });
  it('guesses nothing: another shape is a list of problems', () => {
    const invented = { host: 'web02', channel: 'prod', desiredRevision: 42, appliedRevision: 41, state: 'pending', lastSeen: '2026-01-01T00:00:00Z', current: 'aaa' };
    const r = readHostsBody({ hosts: [invented] });
    expect('problems' in r && r.problems).toEqual(expect.arrayContaining(['hosts.0.desiredRevision: unknown field', 'hosts.0.appliedRevision: unknown field']));
    expect(readHostsBody([row('web01')])).toHaveProperty('problems');
    expect(readHostsBody({ nope: 1 })).toHaveProperty('problems');
    expect(readHostsBody({ hosts: [row('web01', { current: 'a\u001b[2Jb' })] })).toHaveProperty('problems');
    expect(readHostsBody({ hosts: [{ ...row('web01'), ['\u001b[2J' + 'x'.repeat(500)]: 1 }] })).toEqual({ problems: [`hosts.0.?[2J${'x'.repeat(200 - 'hosts.0.?[2J'.length)}`] });
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

import { describe, expect, it } from 'vitest';
import * as errors from './index.js';
import {
  BadRequestError,
  BadSignatureError,
  BrokenChainError,
  CacheMissError,
  CacheUnreachableError,
  ChannelDeletedError,
  ChannelMismatchError,
  ChannelNotFoundError,
  ConfigError,
  DuplicateMemberError,
  DuplicateSignatureError,
  ERROR_CODES,
  type ErrorCode,
  ExpiredReleaseError,
  FleetStoreUnavailableError,
  ForbiddenMemberError,
  GitError,
  HealthCheckError,
  HostNotTargetedError,
  InternalError,
  InterruptedApplyError,
  BootFailedError,
  RebootCommandError,
  RebootSlotBusyError,
  InvalidChannelNameError,
  InvalidFieldError,
  InvalidHostNameError,
  InvalidKeyError,
  InvalidQueryError,
  InvalidReportError,
  InvalidStorePathError,
  IrisdUnreachableError,
  ZstdUnavailableError,
  ReconcilerUnavailableError,
  MalformedJsonError,
  NarHashMismatchError,
  NarSourceError,
  NixCommandError,
  NixCopyError,
  NoFleetStoreError,
  NoTrustPolicyError,
  NotDescendantError,
  NotFoundError,
  OgygiaError,
  OversizeError,
  ProfileError,
  ReadOnlyError,
  ReplayError,
  ReplayFloorCorruptError,
  RevisionGapError,
  RevisionNotFoundError,
  RollbackError,
  ServedStateCorruptError,
  RolloutStateCorruptError,
  SourceUnavailableError,
  StateCorruptError,
  StateWriteError,
  StepTimeoutError,
  SwitchError,
  ThresholdNotMetError,
  UnauthorizedError,
  UnknownFieldError,
  UnknownKeyError,
  UsageError,
  WebhookRateLimitedError,
  WebhookSignatureError,
  NarinfoNotFoundError,
  UntrustedNarinfoError,
  CacheReadError,
  NoCacheKeyError,
  NoCacheError,
  FleetStoreAuthError,
  FleetStorePermissionError,
  AmbiguousHostError,
  DuplicateTargetError,
  ChainBrokenError,
  NotYetValidError,
  WrongChannelError,
  InvalidHostKeyError,
  InvalidEnrollmentError,
  InvalidRolloutError,
  InvalidWaveError,
  UnenrolledHostError,
  UnsignedReportError,
  ReportSignatureError,
  ReportReplayError,
  TooManyHostsError,
  isErrorCode,
} from './index.js';

const C1 = 'a'.repeat(40);
const C2 = 'b'.repeat(40);
const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const P = '/nix/store/0123456789abcdfghijklmnpqrsvwxyz-system';
const member = { file: 'channels/prod.json', path: 'release.targets', member: 'web01', line: 3, column: 5 };

/**
 * Sample fields for every code, one error per situation a class is raised
 * in. Typed by ErrorCode, so a new code without samples does not compile.
 */
const SAMPLES: { readonly [C in ErrorCode]: readonly (() => OgygiaError)[] } = {
  MalformedJsonError: [
    () => new MalformedJsonError({ what: 'channel-file', file: 'channels/prod.json', detail: 'Unexpected token' }),
    () => new MalformedJsonError({ what: 'request-body', detail: 'Unexpected end of JSON input' }),
  ],
  DuplicateMemberError: [() => new DuplicateMemberError(member)],
  ForbiddenMemberError: [() => new ForbiddenMemberError({ ...member, member: '__proto__' })],
  UnknownFieldError: [
    () => new UnknownFieldError({ file: 'channels/prod.json', path: 'release', fields: ['extra'] }),
    () => new UnknownFieldError({ file: 'channels/prod.json', path: '(document)', fields: ['a', 'b'] }),
  ],
  InvalidFieldError: [
    () => new InvalidFieldError({ file: 'channels/prod.json', problems: ['release.revision: must be a whole number'] }),
    () => new InvalidFieldError({ file: 'channels/prod.json', problems: ['previous: revision 1 must have none', 'spec: must be 1'] }),
  ],
  OversizeError: [
    () => new OversizeError({ kind: 'channel-file', file: 'channels/prod.json', bytes: 70000, limit: 65536 }),
    () => new OversizeError({ kind: 'nesting', file: 'channels/prod.json', depth: 80, limit: 64 }),
    () => new OversizeError({ kind: 'answer', what: "peer's filter", bytes: 9000, limit: 1024, declared: true }),
    () => new OversizeError({ kind: 'answer', what: "peer's filter", bytes: 2048, limit: 1024, declared: false }),
    () => new OversizeError({ kind: 'request', limit: 65536 }),
  ],
  InvalidChannelNameError: [
    () => new InvalidChannelNameError({ channel: 'Prod' }),
    () => new InvalidChannelNameError({ channel: 'Prod', file: 'channels/Prod.json', in: 'file-name' }),
    () => new InvalidChannelNameError({ channel: 'Prod', file: 'channels/prod.json', in: 'release' }),
  ],
  InvalidHostNameError: [
    () => new InvalidHostNameError({ role: 'target', host: 'web 01', file: 'channels/prod.json' }),
    () => new InvalidHostNameError({ role: 'this-host', host: 'web 01' }),
    () => new InvalidHostNameError({ role: 'report', host: 'web 01' }),
    () => new InvalidHostNameError({ role: 'query', host: 'web 01' }),
  ],
  InvalidStorePathError: [() => new InvalidStorePathError({ where: '--store-path', value: '/tmp/result' })],
  InvalidKeyError: [
    () => new InvalidKeyError({ reason: 'format', what: 'public' }),
    () => new InvalidKeyError({ reason: 'name', what: 'secret', name: 'a b' }),
    () => new InvalidKeyError({ reason: 'name', name: 'a b' }),
    () => new InvalidKeyError({ reason: 'base64', what: 'public', name: 'ops-1' }),
    () => new InvalidKeyError({ reason: 'length', what: 'public', name: 'ops-1', length: 64 }),
    () => new InvalidKeyError({ reason: 'length', what: 'secret', name: 'ops-1', length: 32 }),
    () => new InvalidKeyError({ reason: 'mismatch', name: 'ops-1' }),
    () => new InvalidKeyError({ reason: 'unreadable', file: '/etc/ogygia/ops.key', cause: 'EACCES' }),
  ],
  InvalidHostKeyError: [
    () => new InvalidHostKeyError({ reason: 'not-ed25519', source: '/etc/ssh/ssh_host_rsa_key.pub', type: 'ssh-rsa' }),
    () => new InvalidHostKeyError({ reason: 'format', source: '--key-file -' }),
    () => new InvalidHostKeyError({ reason: 'several', source: 'keyscan.txt', count: 2 }),
    () => new InvalidHostKeyError({ reason: 'private-format', source: '/etc/ssh/ssh_host_ed25519_key' }),
    () => new InvalidHostKeyError({ reason: 'encrypted', source: '/etc/ssh/ssh_host_ed25519_key', cipher: 'aes256-ctr' }),
    () => new InvalidHostKeyError({ reason: 'damaged', source: '/etc/ssh/ssh_host_ed25519_key', detail: 'check numbers differ' }),
    () => new InvalidHostKeyError({ reason: 'unreadable', source: '/etc/ssh/ssh_host_ed25519_key', cause: 'EACCES' }),
  ],
  InvalidRolloutError: [
    () => new InvalidRolloutError({ file: 'channels/prod.json', problem: 'maxFailures must be a whole number from 0 to 10000' }),
    () => new InvalidRolloutError({ file: '--wave flags', problem: 'needs at least one wave' }),
  ],
  InvalidWaveError: [
    () => new InvalidWaveError({ file: 'channels/prod.json', wave: 2, problem: 'percent must be a whole number from 1 to 100' }),
    () => new InvalidWaveError({ file: 'ogygia.toml', wave: 1, problem: 'host "web01" is already in wave 1' }),
  ],
  InvalidEnrollmentError: [
    () => new InvalidEnrollmentError({ file: 'hosts.toml', problems: ['hosts.web01.key: must be "ssh-ed25519 BASE64 [comment]"'] }),
    () => new InvalidEnrollmentError({ file: 'hosts.toml at 3b1c2d4e5f6a', problems: ['hosts.WEB01: names the same host as hosts.web01', 'extra: unknown key'] }),
  ],
  DuplicateSignatureError: [
    () => new DuplicateSignatureError({ when: 'signed', channel: 'prod', revision: 2, file: 'channels/prod.json', key: 'ops-1' }),
    () => new DuplicateSignatureError({ when: 'signed', channel: 'prod', revision: 2, key: 'ops-1b', existing: 'ops-1', publicKey: 'ops-1:AAAA' }),
    () => new DuplicateSignatureError({ when: 'approving', channel: 'prod', revision: 2, key: 'ops-1', existing: 'ops-1' }),
  ],
  UnknownKeyError: [() => new UnknownKeyError({ key: 'stranger', channel: 'prod' })],
  BadSignatureError: [() => new BadSignatureError({ key: 'ops-1', channel: 'prod' })],
  ThresholdNotMetError: [() => new ThresholdNotMetError({ channel: 'prod', revision: 2, valid: ['ops-1'], threshold: 2, problems: [] })],
  NoTrustPolicyError: [
    () => new NoTrustPolicyError({ channel: 'prod' }),
    () => new NoTrustPolicyError({ repo: '/srv/channels', ref: 'main', isBase: true }),
    () => new NoTrustPolicyError({ repo: '/srv/channels', ref: 'HEAD', isBase: false }),
  ],
  ExpiredReleaseError: [() => new ExpiredReleaseError({ channel: 'prod', revision: 2, expiresAt: '2026-01-01T00:00:00Z' })],
  ChannelMismatchError: [() => new ChannelMismatchError({ file: 'channels/prod.json', fileChannel: 'prod', releaseChannel: 'dev' })],
  WrongChannelError: [() => new WrongChannelError({ file: 'channels/prod.json', expected: 'prod', actual: 'dev', revision: 3 })],
  FleetStoreAuthError: [
    () => new FleetStoreAuthError({ store: 'etcd', reason: 'refused', endpoints: ['https://etcd1:2379'], identity: 'user "web01"', section: 'etcd' }),
    () => new FleetStoreAuthError({ store: 'etcd', reason: 'no-user', endpoints: ['https://etcd1:2379'], identity: 'nobody', section: 'ogygia.etcd' }),
    () => new FleetStoreAuthError({ store: 'etcd', reason: 'client-certificate', endpoints: ['https://etcd1:2379'], identity: 'the client certificate of "web01"', section: 'etcd' }),
    () => new FleetStoreAuthError({ store: 'etcd', reason: 'server-untrusted', detail: 'self-signed certificate', endpoints: ['https://etcd1:2379'], identity: 'user "web01"', section: 'etcd' }),
    () => new FleetStoreAuthError({ store: 'zookeeper', reason: 'refused', endpoints: ['zk1:2181'], identity: 'digest user "web01"', section: 'zookeeper' }),
  ],
  FleetStorePermissionError: [
    () => new FleetStorePermissionError({ store: 'etcd', endpoints: ['https://etcd1:2379'], identity: 'user "web01"', op: 'write', path: '/nixos/versions/db01/', section: 'etcd' }),
    () => new FleetStorePermissionError({ store: 'etcd', endpoints: ['https://etcd1:2379'], identity: 'user "web01"', op: 'read', path: '/nixos/versions/', section: 'etcd' }),
    () => new FleetStorePermissionError({ store: 'zookeeper', endpoints: ['zk1:2181'], identity: 'digest user "web01"', op: 'write', path: '/nixos/versions/db01', section: 'zookeeper' }),
  ],
  NarinfoNotFoundError: [() => new NarinfoNotFoundError({ storePath: P, caches: ['https://cache.example.com', 'file:///srv/cache'] })],
  UntrustedNarinfoError: [() => new UntrustedNarinfoError({ storePath: P, cache: 'https://cache.example.com' })],
  CacheReadError: [
    () => new CacheReadError({ reason: 'unreadable', cache: 'https://cache.example.com', storePath: P, cause: 'ECONNREFUSED' }),
    () => new CacheReadError({ reason: 'not-narinfo', cache: 'https://cache.example.com', storePath: P, cause: 'no StorePath line' }),
    () => new CacheReadError({ reason: 'nar-url-outside', cache: 'https://cache.example.com', storePath: P, url: '../../etc/passwd' }),
    () => new CacheReadError({ reason: 'nar-unreadable', cache: 'https://cache.example.com', storePath: P, cause: 'HTTP 500' }),
    () => new CacheReadError({ reason: 'nar-missing', cache: 'https://cache.example.com', storePath: P, url: 'nar/abc.nar.xz' }),
    () => new CacheReadError({ reason: 'nar-hash-mismatch', cache: 'https://cache.example.com', storePath: P }),
  ],
  NoCacheKeyError: [() => new NoCacheKeyError({ caches: ['https://cache.example.com'] })],
  NoCacheError: [() => new NoCacheError({ caches: [] })],
  HostNotTargetedError: [() => new HostNotTargetedError({ channel: 'prod', revision: 2, host: 'db01', targets: ['web01'] })],
  AmbiguousHostError: [() => new AmbiguousHostError({ channel: 'prod', revision: 2, host: 'web01.example.com', targets: ['web01'] })],
  DuplicateTargetError: [() => new DuplicateTargetError({ file: 'channels/prod.json', hosts: ['web01', 'WEB01'] })],
  ChainBrokenError: [
    () => new ChainBrokenError({ reason: 'missing', channel: 'prod', revision: 5, floor: 2, missing: 4, previous: D1 }),
    () => new ChainBrokenError({ reason: 'mismatch', channel: 'prod', revision: 5, floor: 2, previous: D1, expected: D2 }),
  ],
  NotYetValidError: [() => new NotYetValidError({ channel: 'prod', revision: 2, issuedAt: '2099-01-01T00:00:00Z', now: '2026-11-27T00:00:00.000Z' })],
  ReplayError: [
    () => new ReplayError({ channel: 'prod', revision: 1, digest: D1, accepted: 2, acceptedDigest: D2 }),
    () => new ReplayError({ channel: 'prod', revision: 2, digest: D1, accepted: 2, acceptedDigest: D2 }),
  ],
  RevisionGapError: [
    () => new RevisionGapError({ gap: 'first', channel: 'prod', revision: 3 }),
    () => new RevisionGapError({ gap: 'jump', channel: 'prod', revision: 5, accepted: 3 }),
    () => new RevisionGapError({ gap: 'missing', channel: 'prod', revision: 5, floor: 2, missing: 4, previous: D1 }),
  ],
  BrokenChainError: [() => new BrokenChainError({ channel: 'prod', revision: 3, previous: D1, expectedRevision: 2, expected: D2 })],
  ChannelDeletedError: [
    () => new ChannelDeletedError({ where: 'change', channel: 'prod' }),
    () => new ChannelDeletedError({ where: 'branch', channel: 'prod', commit: C1 }),
  ],
  NotDescendantError: [
    () => new NotDescendantError({ against: 'base', head: C1, base: C2 }),
    () => new NotDescendantError({ against: 'served', commit: C1, served: C2 }),
    () => new NotDescendantError({ against: 'applied', channel: 'prod', revision: 3, commit: C1, floorCommit: C2, floorRevision: 2 }),
  ],
  ConfigError: [
    () => new ConfigError({ reason: 'missing', file: '/etc/ogygia/agent.toml' }),
    () => new ConfigError({ reason: 'unreadable', file: '/etc/ogygia/agent.toml', cause: 'EACCES' }),
    () => new ConfigError({ reason: 'invalid', file: '/etc/ogygia/agent.toml', problems: ['channel: must be a channel name'] }),
    () => new ConfigError({ reason: 'invalid', kind: 'trust-policy', file: 'ogygia.toml at main', problems: ['trust.keys: must list at least one'] }),
    () => new ConfigError({ reason: 'missing', kind: 'secret', setting: 'webhook.secret_file', file: '/run/secrets/hook' }),
    () => new ConfigError({ reason: 'empty', kind: 'secret', setting: 'reports.token_files', file: '/run/secrets/token' }),
    () => new ConfigError({ reason: 'unreadable', kind: 'signing-key', setting: 'signing.key_file', file: '/var/lib/irisd/key', cause: 'EACCES' }),
    () => new ConfigError({ reason: 'no-credentials', kind: 'credentials', setting: 'credentials_file', file: '/run/secrets/git' }),
  ],
  InvalidQueryError: [
    () => new InvalidQueryError({ parameter: 'state', value: 'broken', expected: 'one of in-sync, pending, applying, failed, rolled-back, stale' }),
    () => new InvalidQueryError({ parameter: 'page', value: '0', expected: 'a page number from 1 to 100000' }),
  ],
  UsageError: [
    () => new UsageError({ reason: 'invalid', option: '--target', value: 'web01' }),
    () => new UsageError({ reason: 'invalid', option: '--target host', value: 'web 01' }),
    () => new UsageError({ reason: 'invalid', option: '--host', value: '*' }),
    () => new UsageError({ reason: 'invalid', option: '--source-revision', value: 'HEAD' }),
    () => new UsageError({ reason: 'invalid', option: '--substituter', value: 'ftp://cache' }),
    () => new UsageError({ reason: 'invalid', option: '--expires', value: 'soon' }),
    () => new UsageError({ reason: 'invalid', option: '--to', value: 'two' }),
    () => new UsageError({ reason: 'invalid', option: 'store path hash', value: 'xyz' }),
    () => new UsageError({ reason: 'invalid', option: '--wave', value: 'web01:soon' }),
    () => new UsageError({ reason: 'invalid', option: '--max-failures', value: '-1' }),
    () => new UsageError({ reason: 'invalid', option: '--reconciler', value: 'rec:35740' }),
    () => new UsageError({ reason: 'rollout-flags', problem: 'no-rollout-with-wave' }),
    () => new UsageError({ reason: 'rollout-flags', problem: 'no-rollout-with-max-failures' }),
    () => new UsageError({ reason: 'rollout-flags', problem: 'max-failures-without-wave' }),
    () => new UsageError({ reason: 'out-of-range', parameter: 'wait', value: '301', min: 0, max: 300 }),
    () => new UsageError({ reason: 'missing', need: 'target' }),
    () => new UsageError({ reason: 'missing', need: 'push-path' }),
    () => new UsageError({ reason: 'missing', need: 'signing-key' }),
    () => new UsageError({ reason: 'no-config', command: 'agent' }),
    () => new UsageError({ reason: 'target-twice', host: 'web01' }),
    () => new UsageError({ reason: 'expired-on-issue', expiresAt: '2026-01-01T00:00:00Z', issuedAt: '2026-01-02T00:00:00Z' }),
    () => new UsageError({ reason: 'nested-repo', repo: '/srv/repo/sub', enclosing: '/srv/repo' }),
    () => new UsageError({ reason: 'key-exists', out: '/etc/ogygia/ops.key' }),
  ],
  GitError: [
    () => new GitError({ reason: 'resolve', repo: '/srv/channels', ref: 'mian', cause: 'Could not find mian.' }),
    () => new GitError({ reason: 'fetch', from: 'remote', source: 'https://git.example/channels.git', branch: 'main', cause: 'HTTP Error: 401' }),
    () => new GitError({ reason: 'fetch', from: 'local', source: '/srv/channels', branch: 'main', cause: 'not a git repository' }),
    () => new GitError({ reason: 'no-branch', source: '/srv/channels', branch: 'main' }),
    () => new GitError({ reason: 'commit', repo: '/srv/channels', files: ['channels/prod.json'], cause: 'locked' }),
    () => new GitError({ reason: 'detached-head', repo: '/srv/channels' }),
    () => new GitError({ reason: 'push', remote: 'origin', branch: 'main', cause: 'rejected' }),
    () => new GitError({ reason: 'old-pack-index', file: '/srv/mirror/objects/pack/pack-1.idx' }),
    () => new GitError({ reason: 'object-format', oid: 'c'.repeat(64) }),
    () => new GitError({ reason: 'corrupt', file: '/srv/mirror/objects/aa/bb', defect: 'not-loose-object' }),
    () => new GitError({ reason: 'corrupt', file: '/srv/mirror/objects/pack/pack-1.pack', defect: 'unknown-object-type', type: 5, offset: 12 }),
    () => new GitError({ reason: 'corrupt', file: '/srv/mirror/objects/pack/pack-1.pack', defect: 'truncated-size', offset: 12 }),
  ],
  ChannelNotFoundError: [
    () => new ChannelNotFoundError({ where: 'repository', channel: 'prod', repo: '/srv/channels' }),
    () => new ChannelNotFoundError({ where: 'repository', channel: 'prod', repo: '/srv/channels', ref: 'HEAD' }),
    () => new ChannelNotFoundError({ where: 'reconciler', channel: 'prod', branch: 'main' }),
    () => new ChannelNotFoundError({ where: 'rollout', channel: 'prod', host: 'web02', revision: 1 }),
  ],
  RevisionNotFoundError: [() => new RevisionNotFoundError({ channel: 'prod', to: 7, current: 3 })],
  CacheMissError: [
    () => new CacheMissError({ reason: 'no-substituter', storePaths: [P] }),
    () => new CacheMissError({ reason: 'missing', missing: [P], substituters: ['https://cache.example'] }),
  ],
  CacheUnreachableError: [() => new CacheUnreachableError({ substituter: 'https://cache.example', storePath: P, cause: 'HTTP 503' })],
  FleetStoreUnavailableError: [
    () => new FleetStoreUnavailableError({ reason: 'unreachable', kind: 'etcd', endpoints: ['http://etcd1:2379'], timeoutSeconds: 10 }),
    () => new FleetStoreUnavailableError({ reason: 'unreachable', kind: 'zookeeper', endpoints: ['zk1:2181'], timeoutSeconds: 10, cause: 'timed out' }),
    () => new FleetStoreUnavailableError({ reason: 'unreachable', kind: 'reconciler', url: 'http://rec:35740', timeoutSeconds: 10 }),
    () => new FleetStoreUnavailableError({ reason: 'status', kind: 'reconciler', url: 'http://rec:35740', timeoutSeconds: 10, status: 502 }),
    () => new FleetStoreUnavailableError({ reason: 'shape', kind: 'reconciler', url: 'http://rec:35740', timeoutSeconds: 10, problems: ['hosts: required'] }),
  ],
  NoFleetStoreError: [
    () => new NoFleetStoreError({ file: '/etc/ogygia/config.toml', found: true }),
    () => new NoFleetStoreError({ file: '/etc/ogygia/config.toml', found: false }),
  ],
  WebhookSignatureError: [() => new WebhookSignatureError({ signed: true }), () => new WebhookSignatureError({ signed: false })],
  WebhookRateLimitedError: [() => new WebhookRateLimitedError({ retryAfterSeconds: 30 })],
  UnauthorizedError: [() => new UnauthorizedError({ host: 'web01' })],
  InvalidReportError: [
    () => new InvalidReportError({ reason: 'schema', problems: ['state: must be one of ...'] }),
    () => new InvalidReportError({ reason: 'host', host: 'web01', reported: 'web02' }),
    () => new InvalidReportError({ reason: 'host', host: 'web01', reported: 'web02', body: 'reboot-slot' }),
  ],
  UnenrolledHostError: [() => new UnenrolledHostError({ host: 'db09' }), () => new UnenrolledHostError({ host: 'web01.example.com', lookAlike: 'web01' })],
  UnsignedReportError: [() => new UnsignedReportError({ host: 'web01' })],
  ReportSignatureError: [() => new ReportSignatureError({ host: 'db01', reason: 'mismatch' }), () => new ReportSignatureError({ host: 'db01', reason: 'malformed' })],
  ReportReplayError: [
    () => new ReportReplayError({ host: 'web01', seq: 41, last: 42 }),
    () => new ReportReplayError({ host: 'web01', seq: null, last: 42 }),
  ],
  TooManyHostsError: [() => new TooManyHostsError({ host: 'invented-4711', maxHosts: 10000 })],
  NotFoundError: [
    () => new NotFoundError({ what: 'route', method: 'GET', path: '/v2/nothing' }),
    () => new NotFoundError({ what: 'webhook' }),
    () => new NotFoundError({ what: 'git-path', path: '/git/channels.git/objects', prefix: '/git/channels.git' }),
    () => new NotFoundError({ what: 'host', host: 'web99' }),
  ],
  BadRequestError: [() => new BadRequestError({ status: 415, detail: "Unsupported Media Type: 'text/csv'", cause: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' })],
  ReadOnlyError: [() => new ReadOnlyError({ path: '/git/channels.git/git-receive-pack' })],
  NixCommandError: [() => new NixCommandError({ args: ['path-info', '--all', '--json'], exitCode: 1, stderr: 'error: boom' })],
  NarHashMismatchError: [
    () => new NarHashMismatchError({ reason: 'too-long', storePath: P, narSize: 100 }),
    () => new NarHashMismatchError({ reason: 'hash', storePath: P, expected: 'sha256:1abc', narSize: 100, got: 'sha256:2def', size: 100 }),
  ],
  NarSourceError: [
    () => new NarSourceError({ reason: 'shrank', path: `${P}/bin/x` }),
    () => new NarSourceError({ reason: 'special-file', path: `${P}/run/socket` }),
  ],
  ReconcilerUnavailableError: [
    () => new ReconcilerUnavailableError({ reason: 'unreachable', url: 'http://rec:35740', route: '/v1/channels', timeoutSeconds: 10, cause: 'ECONNREFUSED' }),
    () => new ReconcilerUnavailableError({ reason: 'status', url: 'http://rec:35740', route: '/v1/channels', status: 502 }),
    () => new ReconcilerUnavailableError({ reason: 'not-json', url: 'http://rec:35740', route: '/v1/channels' }),
    () => new ReconcilerUnavailableError({ reason: 'shape', url: 'http://rec:35740', route: '/v1/channels', problems: ['channels.0.rollout.state: invalid option'] }),
  ],
  IrisdUnreachableError: [
    () => new IrisdUnreachableError({ reason: 'no-answer', url: 'http://127.0.0.1:35742/iris/v1/push', cause: 'fetch failed' }),
    () => new IrisdUnreachableError({ reason: 'push-refused', url: 'http://127.0.0.1:35742', status: 403, detail: 'not from this host' }),
    () => new IrisdUnreachableError({ reason: 'status', url: 'http://127.0.0.1:35742', status: 500 }),
  ],
  ZstdUnavailableError: [() => new ZstdUnavailableError({ cause: "Cannot find module '../build/Release/binding.node'" })],
  NixCopyError: [
    () => new NixCopyError({ reason: 'no-substituter', storePath: P, cause: null, outputTail: '' }),
    () =>
      new NixCopyError({
        reason: 'copy-failed',
        storePath: P,
        attempts: [{ substituter: 'https://cache.example', exitCode: 1, cause: 'error: path is not valid' }],
        cause: 'error: path is not valid',
        outputTail: 'error: path is not valid',
      }),
  ],
  ProfileError: [
    () => new ProfileError({ step: 'read', profile: '/nix/var/nix/profiles/system', errno: 'EACCES' }),
    () => new ProfileError({ step: 'read', profile: '/nix/var/nix/profiles/system', errno: 'ENOENT' }),
    () => new ProfileError({ step: 'read', profile: '/nix/var/nix/profiles/system', target: '/tmp/x' }),
    () => new ProfileError({ step: 'mkdir', profile: '/nix/var/nix/profiles/system', storePath: P, cause: 'EROFS' }),
    () => new ProfileError({ step: 'set', profile: '/nix/var/nix/profiles/system', storePath: P, exitCode: 1, cause: null, outputTail: '' }),
  ],
  SwitchError: [() => new SwitchError({ storePath: P, action: 'switch', exitCode: 4, cause: 'error: unit foo.service failed', outputTail: '' })],
  HealthCheckError: [() => new HealthCheckError({ command: 'curl -f localhost', exitCode: 7, cause: null, outputTail: '' })],
  StepTimeoutError: [
    () => new StepTimeoutError({ step: 'health', command: 'sleep 99', limitSeconds: 30, cause: null, outputTail: '' }),
    () => new StepTimeoutError({ step: 'nix copy', storePath: P, limitSeconds: 600, cause: 'copying path', outputTail: '' }),
  ],
  RollbackError: [
    () => new RollbackError({ reason: 'no-previous', revision: 2 }),
    () => new RollbackError({ reason: 'failed', previousStorePath: P, cause: { code: 'SwitchError', message: 'switch-to-configuration exited with 1' } }),
  ],
  RebootCommandError: [() => new RebootCommandError({ command: 'systemctl reboot', exitCode: 1, cause: 'Failed to reboot', outputTail: 'Failed to reboot' })],
  BootFailedError: [
    () => new BootFailedError({ revision: 3, expected: P, booted: P }),
    () => new BootFailedError({ revision: 3, expected: P, booted: null }),
  ],
  RebootSlotBusyError: [() => new RebootSlotBusyError({ host: 'web02', channel: 'prod', max: 1, holders: ['web01'], retryAfterSeconds: 30 })],
  InterruptedApplyError: [() => new InterruptedApplyError({ revision: 2, phase: 'switching', times: 3, reason: 'interrupted 3 times' })],
  SourceUnavailableError: [
    () => new SourceUnavailableError({ reason: 'unreachable', source: 'http://rec:35740', url: 'http://rec:35740/v1/channels/prod', channel: 'prod', cause: 'ECONNREFUSED' }),
    () => new SourceUnavailableError({ reason: 'status', source: 'http://rec:35740', url: 'http://rec:35740/v1/channels/prod', channel: 'prod', status: 404, body: '' }),
    () => new SourceUnavailableError({ reason: 'not-json', source: 'http://rec:35740', url: 'http://rec:35740/v1/channels/prod' }),
    () => new SourceUnavailableError({ reason: 'no-document', source: 'http://rec:35740', url: 'http://rec:35740/v1/channels/prod', channel: 'prod' }),
    () => new SourceUnavailableError({ reason: 'git-unreadable', source: '/srv/channels', branch: 'main', cause: 'not a repository' }),
    () => new SourceUnavailableError({ reason: 'git-no-channel', source: '/srv/channels', branch: 'main', channel: 'prod' }),
  ],
  StateCorruptError: [
    () => new StateCorruptError({ file: '/var/lib/ogygia/state.json', problem: 'not JSON', floorFile: 'replay-floor.json', floorCorrupt: false }),
    () => new StateCorruptError({ file: '/var/lib/ogygia/state.json', problem: 'not JSON', floorFile: 'replay-floor.json', floorCorrupt: true }),
  ],
  ReplayFloorCorruptError: [() => new ReplayFloorCorruptError({ file: '/var/lib/ogygia/replay-floor.json', problem: 'not JSON' })],
  StateWriteError: [
    () => new StateWriteError({ owner: 'agent', file: '/var/lib/ogygia/state.json', errno: 'ENOSPC' }),
    () => new StateWriteError({ owner: 'report-seq', file: '/var/lib/ogygia/report-seq.json', errno: 'ENOSPC' }),
    () => new StateWriteError({ owner: 'reconciler', file: '/var/lib/ogygia-reconciler/served.json', errno: 'EROFS' }),
  ],
  ServedStateCorruptError: [() => new ServedStateCorruptError({ file: '/var/lib/ogygia-reconciler/served.json', problem: 'not JSON' })],
  RolloutStateCorruptError: [
    () => new RolloutStateCorruptError({ where: '/var/lib/ogygia-reconciler/rollouts.json', problem: 'not JSON' }),
    () => new RolloutStateCorruptError({ where: 'etcd key /ogygia/reconciler/rollouts/prod', problem: 'channels.prod.plan: expected array' }),
  ],
  InternalError: [() => new InternalError({ where: 'ogygia verify', cause: new TypeError('x is not a function') }), () => new InternalError({ where: 'test', cause: 'a note' })],
};

/** Classes whose message keeps a wording documented elsewhere, several sentences long (docs/status.md). */
const FIXED_WORDING = (e: OgygiaError): boolean => e instanceof FleetStoreUnavailableError && e.data.reason === 'unreachable';

/** Every class core/errors/index.ts exports that is an OgygiaError (the base itself is abstract and left out). */
const classes = Object.entries(errors).filter(([, v]) => typeof v === 'function' && (v as { prototype?: unknown }).prototype instanceof OgygiaError);

describe('the error catalogue', () => {
  it('exports one class per code, and a code for every class', () => {
    expect(classes.map(([name]) => name).sort()).toEqual([...ERROR_CODES].sort());
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });

  it.each(ERROR_CODES.map((c) => [c] as const))('%s: code is the class name, in ErrorCode, one sentence from its fields', (code) => {
    const cls = (errors as Record<string, unknown>)[code];
    const samples = SAMPLES[code];
    expect(samples.length).toBeGreaterThan(0);
    for (const make of samples) {
      const e = make();
      expect(e).toBeInstanceOf(cls as abstract new () => OgygiaError);
      expect(e).toBeInstanceOf(Error);
      expect(e.code).toBe(code);
      expect(e.name).toBe(code);
      expect(isErrorCode(e.code)).toBe(true);
      expect(e.message.length).toBeGreaterThan(20);
      expect(e.message).toMatch(/\.$/);
      expect(e.message).not.toMatch(/\n/);
      expect(e.message).not.toMatch(/undefined|\[object Object\]/);
      if (!FIXED_WORDING(e)) expect(e.message, 'one sentence').not.toMatch(/[.!?] +[A-Z]/);
      // What to do next: a clause after a semicolon or colon (the fix), never a bare statement.
      if (!FIXED_WORDING(e)) expect(e.message, 'says what to do next').toMatch(/[;:] /);
      expect(e.toJSON()).toEqual({ code, message: e.message, data: e.data });
      expect(JSON.parse(JSON.stringify(e))).toEqual({ code, message: e.message, data: JSON.parse(JSON.stringify(e.data)) });
    }
  });

  it('tells each situation of a class apart in its message', () => {
    for (const [code, samples] of Object.entries(SAMPLES)) {
      const messages = samples.map((make) => make().message);
      expect(new Set(messages).size, code).toBe(messages.length);
    }
  });

  it('knows its codes', () => {
    expect(isErrorCode('CacheUnreachableError')).toBe(true);
    expect(isErrorCode('InternalError')).toBe(true);
    expect(isErrorCode('HealthCheckFailedError')).toBe(false);
    expect(isErrorCode('Error')).toBe(false);
  });
});

describe('the new codes', () => {
  it('InternalError: one message that asks for a report, the stack in data', () => {
    const cause = new TypeError("Cannot read properties of undefined (reading 'x')");
    const e = new InternalError({ where: 'ogygia verify', cause });
    expect(e.message).toBe(
      "ogygia verify failed unexpectedly (Cannot read properties of undefined (reading 'x')); this is a bug in Ogygia: report it with this output.",
    );
    expect(e.data).toEqual({ where: 'ogygia verify', detail: cause.message, stack: cause.stack });
    expect(new InternalError({ where: 'NarCache.read', cause: 'NAR k is not cached' }).data).toEqual({ where: 'NarCache.read', detail: 'NAR k is not cached' });
  });

  it('InternalError.wrap passes an OgygiaError through and wraps anything else', () => {
    const own = new UsageError({ reason: 'missing', need: 'target' });
    expect(InternalError.wrap(own, 'publish')).toBe(own);
    const wrapped = InternalError.wrap(new RangeError('too deep'), 'publish');
    expect(wrapped).toBeInstanceOf(InternalError);
    expect(wrapped.message).toBe('publish failed unexpectedly (too deep); this is a bug in Ogygia: report it with this output.');
    expect(InternalError.wrap('a string', 'x').message).toBe('x failed unexpectedly (a string); this is a bug in Ogygia: report it with this output.');
  });

  it('CacheUnreachableError: not a miss, says to check the cache', () => {
    const e = new CacheUnreachableError({ substituter: 'https://cache.example', storePath: P, cause: 'fetch failed: connect ECONNREFUSED 127.0.0.1:1' });
    expect(e).not.toBeInstanceOf(CacheMissError);
    expect(e.message).toBe(
      `The binary cache https://cache.example could not be asked for ${P} (fetch failed: connect ECONNREFUSED 127.0.0.1:1); check that it is up and reachable from here, then run the check again.`,
    );
    expect(e.data).toEqual({ substituter: 'https://cache.example', storePath: P, cause: 'fetch failed: connect ECONNREFUSED 127.0.0.1:1' });
  });

  it('ServedStateCorruptError: names the file and the two ways out', () => {
    const e = new ServedStateCorruptError({ file: '/var/lib/r/served.json', problem: 'not JSON: Unexpected end of JSON input' });
    expect(e.message).toBe(
      "The reconciler's served state /var/lib/r/served.json is damaged (not JSON: Unexpected end of JSON input); restore it from a backup, " +
        'or delete it to start again from the branch head (check first that the branch was not rewound, as the reconciler then forgets what it served).',
    );
  });

  it('NarSourceError and BadRequestError', () => {
    expect(new NarSourceError({ reason: 'special-file', path: `${P}/s` }).message).toBe(
      `${P}/s is neither a file, a directory nor a symlink, so a NAR cannot hold it; check the store with \`nix-store --verify --check-contents\`.`,
    );
    expect(new BadRequestError({ status: 415, detail: 'Unsupported Media Type' }).message).toBe(
      'The request was refused with HTTP 415 (Unsupported Media Type); check the method, headers and body against docs/api.md.',
    );
  });
});

describe('messages built from fields', () => {
  it('quote what a program said, or say it printed nothing', () => {
    const said = new SwitchError({ storePath: P, action: 'switch', exitCode: 4, cause: 'error: boom', outputTail: 'error: boom\n' });
    expect(said.message).toContain('exited with 4 and said "error: boom";');
    const silent = new HealthCheckError({ command: 'false', exitCode: null, cause: null, outputTail: '' });
    expect(silent.message).toContain('exited with a signal and printed nothing;');
  });

  it('ReplayError tells an older revision from a reused one', () => {
    expect(new ReplayError({ channel: 'prod', revision: 1, digest: D1, accepted: 2, acceptedDigest: D2 }).message).toMatch(/^prod#1 is older than revision 2 already accepted; /);
    expect(new ReplayError({ channel: 'prod', revision: 2, digest: D1, accepted: 2, acceptedDigest: D2 }).message).toMatch(/^prod#2 reuses revision 2 with different content; /);
  });

  it('ConfigError lists a problem line for a file it could not use at all', () => {
    expect(new ConfigError({ reason: 'missing', file: '/etc/a.toml' }).data.problems).toEqual(['(file): /etc/a.toml does not exist']);
    expect(new ConfigError({ reason: 'unreadable', kind: 'signing-key', setting: 'signing.key_file', file: '/k', cause: 'EACCES' }).data.problems).toEqual([
      'signing.key_file: /k cannot be read (EACCES)',
    ]);
    expect(new ConfigError({ reason: 'invalid', file: '/etc/a.toml', problems: ['x: bad', 'y: bad'] }).data.problems).toEqual(['x: bad', 'y: bad']);
  });

  it('keeps the README wording for a fleet store that cannot be reached', () => {
    expect(new FleetStoreUnavailableError({ reason: 'unreachable', kind: 'etcd', endpoints: ['http://etcd1:2379'], timeoutSeconds: 10 }).message).toBe(
      'failed to connect to etcd at ["http://etcd1:2379"]. Check that the endpoints are reachable and the etcd service is running. Connection timeout: 10s.',
    );
  });
});

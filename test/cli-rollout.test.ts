import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelList } from '../core/wire/channel-list.js';
import { channelListSchema } from '../core/wire/channel-list.js';
import { git } from '../testkit/channel-repo.js';
import { type LoopbackHttpServer, serveHttp } from '../testkit/http-server.js';
import { testKeyFile, testPublicKey } from '../testkit/keys.js';
import { storePath } from '../testkit/store-paths.js';
import { makeTempDir } from '../testkit/tmp.js';

// `ogygia publish --wave ...`, the ogygia.toml rollout default, `history` and
// `verify` showing it, and `ogygia rollout status` reading a reconciler's
// /v1/channels (DESIGN §12), through the built CLI (bin/ogygia → dist/) in a
// real git repository and against a real HTTP server on loopback.

const BIN = join(import.meta.dirname, '..', 'bin', 'ogygia');
const SRC = 'a'.repeat(40);
const KEY = testKeyFile('test-only-ops-1');
const GIT_ID = { GIT_AUTHOR_NAME: 'Op', GIT_AUTHOR_EMAIL: 'op@ogygia.invalid', GIT_COMMITTER_NAME: 'Op', GIT_COMMITTER_EMAIL: 'op@ogygia.invalid' };

async function ogygia(args: string[], env: Record<string, string> = {}) {
  const r = await execa(BIN, args, { reject: false, env: { ...process.env, OGYGIA_CONFIG: '/nonexistent/ogygia-config.toml', ...GIT_ID, ...env }, stdin: 'ignore' });
  return { code: r.exitCode, out: String(r.stdout), err: String(r.stderr) };
}

let tmp: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await makeTempDir('ogygia-rollout-');
});
afterAll(async () => {
  await tmp.cleanup();
});

const POLICY = `[trust]
keys = ["${testPublicKey('test-only-ops-1')}"]

[channels.prod.rollout]
max_failures = 1

[[channels.prod.rollout.waves]]
hosts = ["db01"]
soak_seconds = 600

[[channels.prod.rollout.waves]]
percent = 25
soak_seconds = 1800

[[channels.prod.rollout.waves]]
percent = 100
`;

describe('publishing a staged rollout', () => {
  it('signs the waves of --wave flags or of the ogygia.toml default, refuses malformed ones without committing, and history and verify show them', async () => {
    const repo = join(tmp.path, 'channels');
    const publish = (n: string, ...extra: string[]) =>
      ogygia(['publish', '--repo', repo, '--channel', 'prod', '--key', KEY, '--store-path', storePath(`system-${n}`), '--source-revision', SRC, ...extra]);
    const release = async () => JSON.parse(await readFile(join(repo, 'channels', 'prod.json'), 'utf8')).release;
    const commits = async () => Number(await git(repo, 'rev-list', '--count', 'HEAD'));

    // Revision 1: the waves from flags, with units on the soak.
    const p1 = await publish('1', '--wave', 'web01,web02:10m', '--wave', '25%:1800', '--wave', '100%', '--max-failures', '1');
    expect(p1.code, p1.err).toBe(0);
    expect(p1.out).toContain('publish: rollout web01,web02 (soak 600s) → 25% (soak 1800s) → 100%, halts after 2 failures (from --wave flags)');
    expect((await release()).rollout).toEqual({ waves: [{ hosts: ['web01', 'web02'], soakSeconds: 600 }, { percent: 25, soakSeconds: 1800 }, { percent: 100 }], maxFailures: 1 });

    // The repository's policy names a default for prod.
    await writeFile(join(repo, 'ogygia.toml'), POLICY);
    await git(repo, 'add', 'ogygia.toml');
    await git(repo, 'commit', '-qm', 'policy with a rollout default');

    // Revision 2: --no-rollout overrides the default.
    const p2 = await publish('2', '--no-rollout');
    expect(p2.code, p2.err).toBe(0);
    expect(p2.out).toContain('publish: no rollout: every targeted host may take this release at once');
    expect((await release()).rollout).toBeUndefined();

    // Malformed waves: their own codes, naming the flag value, nothing written or committed.
    const before = await commits();
    const bad = await publish('x', '--wave', 'db01:600', '--wave', '0%');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('ogygia: --wave "0%": rollout wave 2: percent must be a whole number from 1 to 100;');
    expect(bad.err).toContain('[InvalidWaveError]');
    const twice = await publish('x', '--wave', 'db01', '--wave', 'DB01,100%');
    expect(twice.err).toMatch(/--wave "DB01,100%": rollout wave 2: host "DB01" is already in wave 1.*\[InvalidWaveError\]/);
    const form = await publish('x', '--wave', 'db01:soon');
    expect(form.code).toBe(2);
    expect(form.err).toContain('ogygia: --wave "db01:soon" is not HOSTS[:SOAK], PERCENT%[:SOAK] or HOSTS,PERCENT%[:SOAK]');
    expect(form.err).toContain('[UsageError]');
    const lonely = await publish('x', '--max-failures', '2');
    expect(lonely.code).toBe(2);
    expect(lonely.err).toContain('--max-failures belongs to the waves of --wave');
    // A malformed default in the work tree's ogygia.toml: refused the same way.
    await writeFile(join(repo, 'ogygia.toml'), POLICY.replace('percent = 25', 'percent = 101'));
    const badDefault = await publish('x');
    expect(badDefault.code).toBe(1);
    expect(badDefault.err).toContain('ogygia: ogygia.toml [channels.prod.rollout]: rollout wave 2: percent must be a whole number from 1 to 100;');
    expect(badDefault.err).toContain('[InvalidWaveError]');
    await writeFile(join(repo, 'ogygia.toml'), POLICY.replace('soak_seconds = 600', 'soak = 600'));
    const misspelt = await publish('x');
    expect(misspelt.code).toBe(1);
    expect(misspelt.err).toContain('[ConfigError]');
    expect(misspelt.err).toContain('channels.prod.rollout.waves.0.soak: unknown key');
    await git(repo, 'checkout', '--', 'ogygia.toml');
    expect(await commits()).toBe(before);
    expect(await git(repo, 'status', '--porcelain')).toBe('');
    expect((await release()).revision).toBe(2);

    // Revision 3: no flags, so the channel's default from ogygia.toml.
    const p3 = await publish('3');
    expect(p3.code, p3.err).toBe(0);
    expect(p3.out).toContain('publish: rollout db01 (soak 600s) → 25% (soak 1800s) → 100%, halts after 2 failures (from ogygia.toml [channels.prod.rollout])');
    expect((await release()).rollout).toEqual({ waves: [{ hosts: ['db01'], soakSeconds: 600 }, { percent: 25, soakSeconds: 1800 }, { percent: 100 }], maxFailures: 1 });

    // history: a ROLLOUT column, `-` for a release without one; --json carries the signed value.
    const h = await ogygia(['history', '--repo', repo, '--channel', 'prod']);
    expect(h.code, h.err).toBe(0);
    const lines = h.out.split('\n');
    expect(lines[0]).toMatch(/^REV\s+ISSUED\s+COMMIT\s+DIGEST\s+SIGNERS\s+ROLLOUT\s+TARGETS$/);
    expect(lines[1]).toMatch(/^3 .* test-only-ops-1\s+db01 \(soak 600s\) → 25% \(soak 1800s\) → 100%, halts after 2 failures\s+\*=\/nix\/store\//);
    expect(lines[2]).toMatch(/^2 .* test-only-ops-1\s+-\s+\*=\/nix\/store\//);
    expect(lines[3]).toMatch(/^1 .* test-only-ops-1\s+web01,web02 \(soak 600s\) → 25% \(soak 1800s\) → 100%, halts after 2 failures\s+\*=/);
    const hj = JSON.parse((await ogygia(['history', '--repo', repo, '--channel', 'prod', '--json'])).out);
    expect(hj.releases.map((r: { release: { rollout?: unknown } }) => r.release.rollout?.constructor === Object)).toEqual([true, false, true]);

    // verify: the rollout under the channel's line, and in --json.
    const v = await ogygia(['verify', '--repo', repo]);
    expect(v.code, v.out).toBe(0);
    expect(v.out).toMatch(/ {2}ok {4}prod revision 3 sha256:[0-9a-f]{12}… signed by test-only-ops-1\n {8}rollout: db01 \(soak 600s\) → 25% \(soak 1800s\) → 100%, halts after 2 failures\n/);
    const vj = JSON.parse((await ogygia(['verify', '--repo', repo, '--json'])).out);
    expect(vj.channels[0].rollout).toEqual({
      waves: [{ hosts: ['db01'], soakSeconds: 600 }, { percent: 25, soakSeconds: 1800 }, { percent: 100 }],
      maxFailures: 1,
      description: 'db01 (soak 600s) → 25% (soak 1800s) → 100%, halts after 2 failures',
    });

    // verify refuses a pull request that commits a rollout default every later publish would refuse.
    await git(repo, 'checkout', '-qb', 'bad-default');
    await writeFile(join(repo, 'ogygia.toml'), POLICY.replace('hosts = ["db01"]', 'hosts = ["db01", "DB01"]'));
    await git(repo, 'commit', '-qam', 'a host twice');
    const vb = await ogygia(['verify', '--repo', repo, '--base', 'main']);
    expect(vb.code).toBe(1);
    expect(vb.out).toContain('FAIL  InvalidWaveError: ogygia.toml at HEAD [channels.prod.rollout]: rollout wave 1: host "DB01" is already in wave 1;');
  });
});

const D = (c: string): string => 'sha256:' + c.repeat(64);
const C = 'c'.repeat(40);

/** A /v1/channels answer as DESIGN §12 describes it: prod in its second wave, staging halted, lab without a rollout. */
const LIST: ChannelList = channelListSchema.parse({
  branch: { name: 'main', commit: C, refusal: null },
  channels: [
    {
      name: 'prod', revision: 42, digest: D('a'), commit: C, committedAt: '2026-11-27T17:00:00Z', servedAt: '2026-11-27T17:00:01Z', refusal: null,
      rollout: {
        state: 'in-progress', revision: 42, digest: D('a'), wave: 2, waves: 3, hostsInWaves: 4, hostsTotal: 12, hostsDone: 3, failures: 0, maxFailures: 1,
        haltReason: null, waveOpenedAt: '2026-11-27T17:50:00Z', nextWaveAt: '2026-11-27T18:12:00Z', fallback: { revision: 41, digest: D('b') },
      },
    },
    {
      name: 'staging', revision: 9, digest: D('9'), commit: C, committedAt: '2026-11-27T17:00:00Z', servedAt: '2026-11-27T17:00:01Z', refusal: null,
      rollout: {
        state: 'halted', revision: 9, digest: D('9'), wave: 1, waves: 3, hostsInWaves: 1, hostsTotal: 3, hostsDone: 0, failures: 1, maxFailures: 0,
        haltReason: 'db01: rolled-back (HealthCheckError) \u001b[2J', waveOpenedAt: '2026-11-27T17:10:00Z', nextWaveAt: null, fallback: { revision: 8, digest: D('8') },
      },
    },
    { name: 'lab', revision: 3, digest: D('3'), commit: C, committedAt: '2026-11-27T17:00:00Z', servedAt: '2026-11-27T17:00:01Z', refusal: null, rollout: null },
  ],
});

describe('ogygia rollout status', () => {
  let reconciler: LoopbackHttpServer;
  let broken: LoopbackHttpServer;
  beforeAll(async () => {
    reconciler = await serveHttp((req, res) => {
      res.writeHead(req.url === '/v1/channels' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(req.url === '/v1/channels' ? JSON.stringify(LIST) : '{}');
    });
    // An answer off the schema: a state no reconciler sends.
    const off = JSON.parse(JSON.stringify(LIST));
    off.channels[0].rollout.state = 'paused';
    broken = await serveHttp((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(off));
    });
  });
  afterAll(async () => {
    await reconciler.stop();
    await broken.stop();
  });

  it('prints a row per channel, the halt reason without control characters, and exits 3 while a shown rollout is halted', async () => {
    const r = await ogygia(['rollout', 'status', '--reconciler', reconciler.url]);
    expect(r.code, r.err).toBe(3);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('Channel  Revision  Rollout      Wave  In waves  In-sync  Failures  Next wave');
    expect(lines[1]).toMatch(/^-+$/);
    expect(lines[2]).toMatch(/^prod {5}42 {8}in-progress {2}2\/3 {3}4\/12 {6}3\/12 {5}0\/1 {7}2026-11-27T18:12:00Z \((due|in .+)\)$/);
    expect(lines[3]).toBe('staging  9         halted       1/3   1/3       0/3      1/0       -');
    expect(lines[4]).toBe('lab      3         none         -     -         -        -         -');
    expect(r.out).toContain('staging: revision 9 halted: db01: rolled-back (HealthCheckError) \\e[2J');
    expect(r.out).toContain(`prod: hosts outside the open waves get revision 41 (${D('b').slice(0, 19)}…)`);
    expect(r.out).not.toContain('\u001b');
  });

  it('--channel shows one channel (exit 0 when it is not halted); --json gives the schema fields', async () => {
    const prod = await ogygia(['rollout', 'status', '--reconciler', reconciler.url, '--channel', 'prod']);
    expect(prod.code, prod.err).toBe(0);
    expect(prod.out).not.toContain('staging');
    const j = await ogygia(['rollout', 'status', '--reconciler', `${reconciler.url}/`, '--channel', 'staging', '--json']);
    expect(j.code).toBe(3);
    expect(JSON.parse(j.out)).toEqual({ reconciler: `${reconciler.url}/`, branch: 'main', channels: [{ name: 'staging', revision: 9, digest: D('9'), rollout: LIST.channels[1]!.rollout }] });
    const none = await ogygia(['rollout', 'status', '--reconciler', reconciler.url, '--channel', 'nope']);
    expect(none.code).toBe(1);
    expect(none.err).toContain('[ChannelNotFoundError]');
  });

  it('finds the reconciler in the status config when --reconciler is not given', async () => {
    const config = join(tmp.path, 'status-config.toml');
    await writeFile(config, `[ogygia.reconciler]\nurl = "${reconciler.url}"\ntimeout_seconds = 5\n`);
    const r = await ogygia(['rollout', 'status', '--channel', 'lab'], { OGYGIA_CONFIG: config });
    expect(r.code, r.err).toBe(0);
    expect(r.out.split('\n')[2]).toBe('lab      3         none     -     -         -        -         -');
  });

  it('refuses an answer off the schema, an error status and a bad URL, each with its code and nothing printed from the body', async () => {
    const off = await ogygia(['rollout', 'status', '--reconciler', broken.url]);
    expect(off.code).toBe(1);
    expect(off.out).toBe('');
    expect(off.err).toMatch(/answered \/v1\/channels in a shape this ogygia does not know \(channels\.0\.rollout\.state: .*\[ReconcilerUnavailableError\]/);
    const status = await ogygia(['rollout', 'status', '--reconciler', `${reconciler.url}/not-a-reconciler`]);
    expect(status.code).toBe(1);
    expect(status.err).toContain('answered /v1/channels with HTTP 404');
    const url = await ogygia(['rollout', 'status', '--reconciler', 'rec:35740']);
    expect(url.code).toBe(2);
    expect(url.err).toContain('--reconciler "rec:35740" is not an http:// or https:// URL');
  });

  it('documents the exit status in --help', async () => {
    const h = await ogygia(['rollout', 'status', '--help']);
    expect(h.code).toBe(0);
    expect(h.out.replace(/\s+/g, ' ')).toContain('Exit status: 0 read and nothing halted, 3 a shown rollout is halted, 1 the reconciler could not be read, 2 wrong usage');
    expect((await ogygia(['--help'])).out).toMatch(/^ {2}rollout\s+staged rollouts/m);
  });
});

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defectRepos } from '../fixtures/channel-repos.js';
import { buildChannelRepo, git } from '../testkit/channel-repo.js';
import { startGitHttpServer } from '../testkit/git-http.js';
import { testKeyFile, testPublicKey } from '../testkit/keys.js';
import { buildSystemClosure, nixEnv, requireNix } from '../testkit/nix.js';
import { storePath } from '../testkit/store-paths.js';
import { makeTempDir } from '../testkit/tmp.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'ogygia');
const SRC1 = 'a'.repeat(40);
const SRC2 = 'b'.repeat(40);
const STORE = { a: storePath('a'), b: storePath('b'), c: storePath('c'), web01: storePath('web01') };
const GIT_ID = { GIT_AUTHOR_NAME: 'Op', GIT_AUTHOR_EMAIL: 'op@ogygia.invalid', GIT_COMMITTER_NAME: 'Op', GIT_COMMITTER_EMAIL: 'op@ogygia.invalid' };

async function ogygia(args: string[], cwd?: string) {
  const r = await execa(BIN, args, { reject: false, cwd, env: { ...process.env, ...GIT_ID }, stdin: 'ignore' });
  return { code: r.exitCode, out: String(r.stdout), err: String(r.stderr) };
}

let tmp: { path: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await makeTempDir('ogygia-cli-');
});
afterAll(async () => {
  await tmp.cleanup();
});

describe('a new user: keys, publish, pull request, approve, verify, merge', () => {
  it('walks the two-signer threshold flow and refuses what the README says it refuses', async () => {
    const dir = join(tmp.path, 'flow');
    await mkdir(dir);
    const k1 = await ogygia(['keygen', '--name', 'ops-1', '--out', 'ops-1.key'], dir);
    const k2 = await ogygia(['keygen', '--name', 'ops-2', '--out', 'ops-2.key'], dir);
    expect(k1.code).toBe(0);
    expect(k1.out).toMatch(/^ops-1:[A-Za-z0-9+/]{43}=$/);
    expect(((await import('node:fs')).statSync(join(dir, 'ops-1.key')).mode & 0o777).toString(8)).toBe('600');

    // Publish revision 1 into an empty directory: the repository is created.
    const p1 = await ogygia(['publish', '--repo', 'channels', '--channel', 'prod', '--key', 'ops-1.key', '--store-path', STORE.a,
      '--source-revision', SRC1, '--substituter', 'https://cache.example.com', '--expires', '90d'], dir);
    expect(p1.code, p1.err).toBe(0);
    expect(p1.out).toMatch(/publish: prod revision 1 sha256:[0-9a-f]{64} signed by ops-1, committed [0-9a-f]{12}/);
    const repo = join(dir, 'channels');
    await writeFile(join(repo, 'ogygia.toml'), `[channels.prod]\nkeys = ["${k1.out.trim()}", "${k2.out.trim()}"]\nthreshold = 2\n`);
    await git(repo, 'add', 'ogygia.toml');
    await git(repo, 'commit', '-qm', 'trust policy');
    expect((await ogygia(['verify', '--repo', repo])).out).toMatch(/ThresholdNotMetError/);
    expect((await ogygia(['approve', '--repo', repo, '--channel', 'prod', '--key', join(dir, 'ops-2.key')])).code).toBe(0);
    expect((await ogygia(['verify', '--repo', repo])).code).toBe(0);

    // Open a branch with revision 2: one signature is not enough.
    await git(repo, 'checkout', '-q', '-b', 'release-2');
    const p2 = await ogygia(['publish', '--repo', repo, '--channel', 'prod', '--key', join(dir, 'ops-1.key'),
      '--target', `web01=${STORE.web01}`, '--target', `*=${STORE.a}`, '--source-revision', SRC2]);
    expect(p2.code, p2.err).toBe(0);
    const v1 = await ogygia(['verify', '--repo', repo, '--base', 'main']);
    expect(v1.code).toBe(1);
    expect(v1.out).toContain('ThresholdNotMetError: Release prod#2 has 1 valid signature(s) from distinct trusted keys and needs 2');
    expect(v1.out).toMatch(new RegExp(`web01\\s+new path\\s+${STORE.a} → ${STORE.web01}`));
    expect(v1.out).toMatch(new RegExp(`\\*\\s+unchanged\\s+${STORE.a}`));
    // These store paths exist nowhere and ogygia.toml names no cache key: no closure diff, and verify says why.
    expect(v1.out).toContain('closure diff: not made: Reading https://cache.example.com needs a trusted cache key');

    // The same key approving again is refused by name and by public key.
    const twice = await ogygia(['approve', '--repo', repo, '--channel', 'prod', '--key', join(dir, 'ops-1.key')]);
    expect(twice.code).toBe(1);
    expect(twice.err).toContain('[DuplicateSignatureError]');

    expect((await ogygia(['approve', '--repo', repo, '--channel', 'prod', '--key', join(dir, 'ops-2.key')])).code).toBe(0);
    const v2 = await ogygia(['verify', '--repo', repo, '--base', 'main', '--json']);
    expect(v2.code, v2.out).toBe(0);
    const j = JSON.parse(v2.out);
    expect(j.ok).toBe(true);
    expect(j.channels[0]).toMatchObject({ channel: 'prod', revision: 2, signers: ['ops-1', 'ops-2'] });
    expect(j.impact[0].hosts).toEqual([
      { host: 'web01', before: STORE.a, after: STORE.web01, change: 'changed' },
      { host: '*', before: STORE.a, after: STORE.a, change: 'unchanged' },
    ]);

    // Merge; main now holds revision 2; history lists both releases with their signers.
    await git(repo, 'checkout', '-q', 'main');
    await git(repo, 'merge', '-q', '--no-ff', '-m', 'Merge release 2', 'release-2');
    expect((await ogygia(['verify', '--repo', repo])).code).toBe(0);
    const h = JSON.parse((await ogygia(['history', '--repo', repo, '--channel', 'prod', '--json'])).out);
    expect(h.releases.map((r: { revision: number; signers: string[] }) => [r.revision, r.signers])).toEqual([
      [2, ['ops-1', 'ops-2']],
      [1, ['ops-1', 'ops-2']],
    ]);

    // Tampering with the merged release after the fact: caught.
    await git(repo, 'checkout', '-q', '-b', 'evil');
    const text = await readFile(join(repo, 'channels/prod.json'), 'utf8');
    await writeFile(join(repo, 'channels/prod.json'), text.replace(STORE.web01, STORE.c));
    await git(repo, 'commit', '-qam', 'sneaky');
    const v3 = await ogygia(['verify', '--repo', repo, '--base', 'main']);
    expect(v3.code).toBe(1);
    expect(v3.out).toContain('BadSignatureError: Signature by ops-1 does not verify');
    expect(v3.out).toContain('ReplayError');

    // Replaying revision 1 on a branch: caught.
    await git(repo, 'checkout', '-q', 'main');
    await git(repo, 'checkout', '-q', '-b', 'replay');
    const firstCommit = (await git(repo, 'log', '--format=%H', '--reverse', '--', 'channels/prod.json')).split('\n')[0]!;
    const revision1 = await git(repo, 'show', `${firstCommit}:channels/prod.json`);
    expect(JSON.parse(revision1).release.revision).toBe(1); // the replayed file really is revision 1, as signed
    await writeFile(join(repo, 'channels/prod.json'), revision1 + '\n');
    await git(repo, 'commit', '-qam', 'replay 1');
    const v4 = await ogygia(['verify', '--repo', repo, '--base', 'main']);
    expect(v4.code).toBe(1);
    expect(v4.out).toContain('ReplayError: prod#1 is older than revision 2 already accepted');
  });

  it('rolls back by publishing the next revision with an older revision\'s targets', async () => {
    const repo = join(tmp.path, 'rollback');
    const key = testKeyFile('test-only-ops-1');
    for (const [i, sp] of [STORE.a, STORE.b].entries()) {
      const r = await ogygia(['publish', '--repo', repo, '--channel', 'prod', '--key', key, '--store-path', sp, '--source-revision', i ? SRC2 : SRC1]);
      expect(r.code, r.err).toBe(0);
    }
    const rb = await ogygia(['rollback', '--repo', repo, '--channel', 'prod', '--to', '1', '--key', key]);
    expect(rb.code, rb.err).toBe(0);
    const doc = JSON.parse(await readFile(join(repo, 'channels/prod.json'), 'utf8'));
    expect(doc.release).toMatchObject({ revision: 3, targets: { '*': { storePath: STORE.a } }, source: { revision: SRC1 } });
    expect(await git(repo, 'log', '-1', '--format=%s')).toBe('prod: release 3 rolls back to revision 1');
    const bad = await ogygia(['rollback', '--repo', repo, '--channel', 'prod', '--to', '7', '--key', key]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('[RevisionNotFoundError]');
    // The base (revision 2) has no ogygia.toml: verify says so, and --trust supplies one.
    const noPolicy = await ogygia(['verify', '--repo', repo, '--base', 'HEAD~1']);
    expect(noPolicy.err).toContain('[NoTrustPolicyError]');
    await writeFile(join(tmp.path, 'rollback-trust.toml'), `[trust]\nkeys = ["${testPublicKey('test-only-ops-1')}"]\n`);
    const v = await ogygia(['verify', '--repo', repo, '--base', 'HEAD~1', '--trust', join(tmp.path, 'rollback-trust.toml')]);
    expect(v.code, v.out).toBe(0);
  });

  it('refuses bad publish input with a clear error and writes nothing', async () => {
    const repo = join(tmp.path, 'bad-input');
    const key = testKeyFile('test-only-ops-1');
    const cases: [string[], string][] = [
      [['--store-path', '/nix/store/0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a-x;rm -rf ~', '--source-revision', SRC1], 'InvalidStorePathError'],
      [['--store-path', STORE.a, '--source-revision', 'main'], 'UsageError'],
      [['--target', 'web01', '--source-revision', SRC1], 'UsageError'],
      [['--store-path', STORE.a, '--source-revision', SRC1, '--expires', 'later'], 'UsageError'],
      [['--store-path', STORE.a, '--source-revision', SRC1, '--substituter', 'cache'], 'UsageError'],
    ];
    for (const [extra, code] of cases) {
      const r = await ogygia(['publish', '--repo', repo, '--channel', 'prod', '--key', key, ...extra]);
      expect(r.code, r.err).not.toBe(0);
      expect(r.err).toContain(`[${code}]`);
    }
    // A subdirectory of an existing repository is refused, naming the top level; no nested repository appears.
    const outer = join(tmp.path, 'outer');
    await mkdir(join(outer, 'sub'), { recursive: true });
    await execa('git', ['init', '-q', outer]);
    const nested = await ogygia(['publish', '--repo', join(outer, 'sub'), '--channel', 'prod', '--key', key, '--store-path', STORE.a, '--source-revision', SRC1]);
    expect(nested.code).toBe(2);
    expect(nested.err).toContain(`is inside the git repository ${outer}; pass its top level (--repo ${outer})`);
    expect(await readFile(join(outer, 'sub', '.git', 'HEAD'), 'utf8').catch(() => 'absent')).toBe('absent');
    const badChannel = await ogygia(['publish', '--repo', repo, '--channel', 'Prod', '--key', key, '--store-path', STORE.a, '--source-revision', SRC1]);
    expect(badChannel.err).toContain('[InvalidChannelNameError]');
    const pubAsKey = join(tmp.path, 'pub.key');
    await writeFile(pubAsKey, testPublicKey('test-only-ops-1'));
    const badKey = await ogygia(['publish', '--repo', repo, '--channel', 'prod', '--key', pubAsKey, '--store-path', STORE.a, '--source-revision', SRC1]);
    expect(badKey.err).toContain('[InvalidKeyError]');
    expect(await readFile(join(repo, 'channels/prod.json'), 'utf8').catch(() => 'absent')).toBe('absent');
  });

  it('names a channel file holding another channel\'s release with the code verify gives it', async () => {
    const repo = join(tmp.path, 'wrong-channel');
    const key = testKeyFile('test-only-ops-1');
    expect((await ogygia(['publish', '--repo', repo, '--channel', 'dev', '--key', key, '--store-path', STORE.a, '--source-revision', SRC1])).code).toBe(0);
    await writeFile(join(repo, 'channels/prod.json'), await readFile(join(repo, 'channels/dev.json'), 'utf8'));
    await git(repo, 'add', '-A');
    await git(repo, 'commit', '-qm', 'dev release as prod');
    await writeFile(join(tmp.path, 'wrong-channel.toml'), `[trust]\nkeys = ["${testPublicKey('test-only-ops-1')}"]\n`);
    const v = await ogygia(['verify', '--repo', repo, '--trust', join(tmp.path, 'wrong-channel.toml')]);
    expect(v.out).toContain('WrongChannelError: channels/prod.json should hold a release of channel prod but dev#1 is a release of channel dev');
    for (const args of [
      ['publish', '--channel', 'prod', '--key', key, '--store-path', STORE.b, '--source-revision', SRC2],
      ['approve', '--channel', 'prod', '--key', key],
      ['history', '--channel', 'prod', '--json'],
    ]) {
      const r = await ogygia([...args, '--repo', repo]);
      expect(`${r.out}${r.err}`, args[0]).toContain('WrongChannelError');
      expect(`${r.out}${r.err}`, args[0]).not.toContain('ChannelMismatchError');
    }
  });
});

describe('verify --base on a sample repository for each kind of defect', () => {
  const defects = defectRepos();
  it.each(Object.keys(defects))('%s', async (name) => {
    const { spec, code } = defects[name]!;
    const repo = join(tmp.path, `defect-${name}`);
    await buildChannelRepo(repo, spec);
    const r = await ogygia(['verify', '--repo', repo, '--base', 'main', '--json']);
    expect(r.code, r.out + r.err).toBe(1);
    const j = JSON.parse(r.out);
    const codes = [...j.problems, ...j.channels.flatMap((c: { problems: unknown[] }) => c.problems)].map((p: { code: string }) => p.code);
    expect(codes).toContain(code);
  });

  it('refuses a rewound branch (HEAD does not descend from base)', async () => {
    const repo = join(tmp.path, 'rewound');
    const { spec } = defects['threshold-not-met']!;
    await buildChannelRepo(repo, { main: spec.main });
    await git(repo, 'checkout', '-q', '--orphan', 'rewrite');
    await git(repo, 'commit', '-qm', 'history rewritten');
    const r = await ogygia(['verify', '--repo', repo, '--base', 'main', '--trust', join(repo, 'ogygia.toml')]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('NotDescendantError: HEAD');
  });

  it('takes the trust policy from the base, so a pull request cannot loosen it', async () => {
    const repo = join(tmp.path, 'loosen');
    const { spec } = defects['threshold-not-met']!;
    await buildChannelRepo(repo, spec);
    await writeFile(join(repo, 'ogygia.toml'), `[channels.prod]\nkeys = ["${testPublicKey('test-only-ops-1')}"]\nthreshold = 1\n`);
    await git(repo, 'commit', '-qam', 'loosen policy');
    const r = await ogygia(['verify', '--repo', repo, '--base', 'main']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('ThresholdNotMetError');
  });
});

describe('keys made by nix, pushing over smart HTTP, and the cache check (real git and Nix)', () => {
  it('accepts `nix key generate-secret` output as --key and pushes to a smart-HTTP remote', async () => {
    await requireNix();
    const root = join(tmp.path, 'remote');
    await mkdir(root);
    const srv = await startGitHttpServer(root);
    try {
      await execa('git', ['init', '-q', '--bare', '-b', 'main', join(root, 'channels.git')]);
      const work = join(tmp.path, 'clone');
      await execa('git', ['clone', '-q', `${srv.url}/channels.git`, work]);
      const secret = String((await execa('nix', ['key', 'generate-secret', '--key-name', 'nix-made-1'], { env: nixEnv() })).stdout);
      await writeFile(join(tmp.path, 'nix.key'), secret, { mode: 0o600 });
      const r = await ogygia(['publish', '--repo', work, '--channel', 'prod', '--key', join(tmp.path, 'nix.key'), '--store-path', STORE.a, '--source-revision', SRC1, '--push']);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain('signed by nix-made-1');
      expect(r.out).toContain('pushed main to origin');
      const remoteHead = String((await execa('git', ['ls-remote', `${srv.url}/channels.git`, 'refs/heads/main'])).stdout).split('\t')[0];
      expect(remoteHead).toBe(await git(work, 'rev-parse', 'HEAD'));
      const pub = String((await execa('nix', ['key', 'convert-secret-to-public'], { input: secret, env: nixEnv() })).stdout).trim();
      await writeFile(join(tmp.path, 'nix-trust.toml'), `[trust]\nkeys = ["${pub}"]\n`);
      expect((await ogygia(['verify', '--repo', work, '--trust', join(tmp.path, 'nix-trust.toml')])).code).toBe(0);
    } finally {
      await srv.stop();
    }
  });

  it('verify --check-cache passes when the closure is in the cache and names what is missing otherwise', async () => {
    const work = join(tmp.path, 'nixbuild');
    const present = await buildSystemClosure(work, { name: 'cached-system', revision: SRC1, salt: String(Date.now()) });
    const absent = await buildSystemClosure(work, { name: 'uncached-system', revision: SRC2, salt: String(Date.now()) });
    const cache = join(tmp.path, 'cache');
    await execa('nix', ['copy', '--to', `file://${cache}`, present], { env: nixEnv() });
    const repo = join(tmp.path, 'cachecheck');
    const key = testKeyFile('test-only-ops-1');
    await writeFile(join(tmp.path, 'one.toml'), `[trust]\nkeys = ["${testPublicKey('test-only-ops-1')}"]\n`);
    expect((await ogygia(['publish', '--repo', repo, '--channel', 'prod', '--key', key, '--store-path', present, '--source-revision', SRC1, '--substituter', `file://${cache}`])).code).toBe(0);
    const ok = await ogygia(['verify', '--repo', repo, '--trust', join(tmp.path, 'one.toml'), '--check-cache']);
    expect(ok.code, ok.out + ok.err).toBe(0);
    expect(ok.out).toMatch(/cache prod: \d+ path\(s\) present/);
    expect((await ogygia(['publish', '--repo', repo, '--channel', 'prod', '--key', key, '--store-path', absent, '--source-revision', SRC2])).code).toBe(0);
    const miss = await ogygia(['verify', '--repo', repo, '--trust', join(tmp.path, 'one.toml'), '--check-cache']);
    expect(miss.code).toBe(1);
    expect(miss.out).toContain(`CacheMissError: 1 store path(s) of the release are not in file://${cache}: ${absent}`);
  });
});

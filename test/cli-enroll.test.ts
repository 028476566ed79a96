import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnrollment } from '../core/enrollment.js';
import { sshFingerprint } from '../core/host-key.js';
import { formatPublicKey, generateSecretKey } from '../core/keys.js';
import { git } from '../testkit/channel-repo.js';
import { testKey, testPublicKey } from '../testkit/keys.js';
import { requireProgram } from '../testkit/processes.js';
import { ReleaseChain } from '../testkit/release-chain.js';
import { sshKeygen, testHostKeyFile, type SshHostKey } from '../testkit/ssh-keys.js';
import { storePath } from '../testkit/store-paths.js';
import { makeTempDir } from '../testkit/tmp.js';

// `ogygia enroll` and `ogygia verify` on hosts.toml, as an operator runs them:
// the real CLI (from the sources), real git, keys from the real ssh-keygen.

const REPO_ROOT = join(import.meta.dirname, '..');

async function ogygia(args: string[], input?: string): Promise<{ code: number; out: string; err: string }> {
  const r = await execa('node', ['--import', 'tsx', join(REPO_ROOT, 'testkit/run-cli.ts'), ...args], {
    reject: false,
    cwd: REPO_ROOT,
    ...(input !== undefined ? { input } : { stdin: 'ignore' as const }),
  });
  return { code: r.exitCode ?? -1, out: String(r.stdout), err: String(r.stderr) };
}

let tmp: { path: string; cleanup: () => Promise<void> };
let web01: SshHostKey, web01b: SshHostKey, db01: SshHostKey;
beforeAll(async () => {
  await requireProgram('git', 'git');
  tmp = await makeTempDir('ogygia-cli-enroll-');
  web01 = await sshKeygen(join(tmp.path, 'keys/web01'), 'root@web01');
  web01b = await sshKeygen(join(tmp.path, 'keys/web01-reinstalled'), 'root@web01');
  db01 = await sshKeygen(join(tmp.path, 'keys/db01'), 'root@db01');
});
afterAll(async () => {
  await tmp?.cleanup();
});

describe('ogygia enroll', () => {
  it('documents itself in --help', async () => {
    const r = await ogygia(['enroll', '--help']);
    expect(r.code).toBe(0);
    for (const opt of ['--repo <dir>', '--host <name>', '--key-file <file>', '--no-commit', '--push', '--remote <name>', '--message <text>']) expect(r.out).toContain(opt);
    expect((await ogygia(['--help'])).out).toMatch(/^  enroll \[options\]\s+add or update a host's/m);
  });

  it('creates hosts.toml in a new repository, adds hosts from a .pub file, ssh-keyscan output on stdin and a Nix public key, each in its own commit', async () => {
    const repo = join(tmp.path, 'channels');
    const first = await ogygia(['enroll', '--repo', repo, '--host', 'web01', '--key-file', `${web01.file}.pub`]);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(new RegExp(`^enroll: enrolled web01 with ssh-ed25519 ${sshFingerprint(web01.key.publicKey).replace(/[+/]/g, '\\$&')} in hosts\\.toml, committed [0-9a-f]{12}$`));
    expect(first.err).toContain('initialised a git repository');
    expect(first.err).toContain('once it is on the branch the reconciler follows, only enrolled hosts\' signed reports are kept');

    // ssh-keyscan prints one line per key type; `enroll` takes the ed25519 one.
    const rsa = (await readFile(testHostKeyFile('test-only-host-rsa.pub'), 'utf8')).split(' ').slice(0, 2).join(' ');
    const scan = `# db01.dc1.example.com:22 SSH-2.0-OpenSSH_9.6\ndb01.dc1.example.com ${rsa}\ndb01.dc1.example.com ssh-ed25519 ${db01.publicLine.split(' ')[1]}\n`;
    const second = await ogygia(['enroll', '--repo', repo, '--host', 'db01.dc1.example.com', '--key-file', '-'], scan);
    expect(second.code, second.err).toBe(0);

    const nixKey = generateSecretKey('cache01-host');
    await writeFile(join(tmp.path, 'cache01.nix.pub'), formatPublicKey(nixKey.publicKey) + '\n');
    const third = await ogygia(['enroll', '--repo', repo, '--host', 'cache01', '--key-file', join(tmp.path, 'cache01.nix.pub')]);
    expect(third.code, third.err).toBe(0);

    const text = await readFile(join(repo, 'hosts.toml'), 'utf8');
    const e = parseEnrollment(text);
    expect([...e.hosts.values()].map((h) => [h.name, h.key.comment])).toEqual([
      ['web01', 'root@web01'],
      ['db01.dc1.example.com', ''],
      ['cache01', 'cache01-host'],
    ]);
    expect(e.hosts.get('cache01')!.key.bytes).toEqual(nixKey.publicKey.bytes);
    expect(text).toContain(`[hosts."db01.dc1.example.com"]\nkey = "ssh-ed25519 ${db01.publicLine.split(' ')[1]}"`);
    expect((await git(repo, 'log', '--format=%s')).split('\n')).toEqual([
      expect.stringMatching(/^hosts: enroll cache01 \(SHA256:/),
      expect.stringMatching(/^hosts: enroll db01\.dc1\.example\.com \(SHA256:/),
      expect.stringMatching(/^hosts: enroll web01 \(SHA256:/),
    ]);
    expect(await git(repo, 'status', '--porcelain')).toBe('');
  });

  it('replaces the key of a reinstalled host in place, under the spelling hosts.toml has, and does nothing for the same key', async () => {
    const repo = join(tmp.path, 'channels');
    await writeFile(join(repo, 'hosts.toml'), (await readFile(join(repo, 'hosts.toml'), 'utf8')).replace('[hosts.web01]', '# the front end\n[hosts.web01]'));
    await git(repo, 'commit', '-qam', 'comment');
    const r = await ogygia(['enroll', '--repo', repo, '--host', 'WEB01', '--key-file', `${web01b.file}.pub`]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^enroll: replaced the key of web01 with ssh-ed25519 SHA256:/);
    expect(r.err).toContain('WEB01 is enrolled as web01 (names compare ignoring case)');
    const text = await readFile(join(repo, 'hosts.toml'), 'utf8');
    expect(text).toContain(`# the front end\n[hosts.web01]\nkey = "${web01b.publicLine}"`);
    expect(await git(repo, 'log', '-1', '--format=%s')).toMatch(/^hosts: new host key for web01 \(SHA256:/);
    const head = await git(repo, 'rev-parse', 'HEAD');
    const same = await ogygia(['enroll', '--repo', repo, '--host', 'web01', '--key-file', `${web01b.file}.pub`]);
    expect([same.code, same.out]).toEqual([0, `enroll: web01 is already enrolled with ${sshFingerprint(web01b.key.publicKey)}; nothing to do`]);
    expect(await git(repo, 'rev-parse', 'HEAD')).toBe(head);
  });

  it('refuses an RSA key, a private key, a key another host has, a bad name, and a hosts.toml that does not parse; nothing is committed', async () => {
    const repo = join(tmp.path, 'channels');
    const head = await git(repo, 'rev-parse', 'HEAD');
    const rsa = await ogygia(['enroll', '--repo', repo, '--host', 'web09', '--key-file', testHostKeyFile('test-only-host-rsa.pub')]);
    expect([rsa.code, rsa.err]).toEqual([1, expect.stringMatching(/holds a "ssh-rsa" key, not ssh-ed25519; .* \[InvalidHostKeyError\]/)]);
    const priv = await ogygia(['enroll', '--repo', repo, '--host', 'web09', '--key-file', web01.file]);
    expect([priv.code, priv.err]).toEqual([1, expect.stringContaining('holds no "ssh-ed25519 BASE64" public key line')]);
    const twice = await ogygia(['enroll', '--repo', repo, '--host', 'web09', '--key-file', `${db01.file}.pub`]);
    expect([twice.code, twice.err]).toEqual([1, expect.stringMatching(/hosts\.web09\.key: is the key of hosts\."db01\.dc1\.example\.com" too.* \[InvalidEnrollmentError\]/)]);
    const name = await ogygia(['enroll', '--repo', repo, '--host', '*', '--key-file', `${web01.file}.pub`]);
    expect([name.code, name.err]).toEqual([2, expect.stringContaining('[UsageError]')]);
    const missing = await ogygia(['enroll', '--repo', repo, '--host', 'web09', '--key-file', join(tmp.path, 'nope.pub')]);
    expect([missing.code, missing.err]).toEqual([1, expect.stringMatching(/Cannot read host key .*nope\.pub \(ENOENT\)/)]);
    expect(await git(repo, 'rev-parse', 'HEAD')).toBe(head);

    const broken = join(tmp.path, 'broken');
    await execa('git', ['init', '-q', '-b', 'main', broken]);
    await writeFile(join(broken, 'hosts.toml'), '[hosts.web01]\nkey = "ssh-ed25519 AAAA"\nrole = "web"\n');
    const r = await ogygia(['enroll', '--repo', broken, '--host', 'db01', '--key-file', `${db01.file}.pub`]);
    expect([r.code, r.err]).toEqual([1, expect.stringMatching(/^ogygia: hosts\.toml cannot be used \(.* and 1 more\); .*\[InvalidEnrollmentError\]/)]);
  });
});

describe('ogygia verify and hosts.toml', () => {
  it('warns about a target that only looks like an enrolled host, and fails on a hosts.toml that cannot be used', async () => {
    const repo = join(tmp.path, 'verify');
    const ops = testKey('test-only-ops-1');
    const chain = new ReleaseChain('prod', [ops]);
    await execa('git', ['init', '-q', '-b', 'main', repo]);
    await writeFile(join(repo, 'ogygia.toml'), `[trust]\nkeys = ["${testPublicKey('test-only-ops-1')}"]\n`);
    await execa('mkdir', ['-p', join(repo, 'channels')]);
    await writeFile(join(repo, 'channels/prod.json'), chain.next({ targets: { '*': storePath('a') } }).text);
    await git(repo, 'add', '-A');
    await git(repo, 'commit', '-qm', 'prod r1');
    expect((await ogygia(['enroll', '--repo', repo, '--host', 'web01.dc1.example.com', '--key-file', `${web01.file}.pub`])).code).toBe(0);
    await git(repo, 'checkout', '-q', '-b', 'pr');
    await writeFile(join(repo, 'channels/prod.json'), chain.next({ targets: { '*': storePath('a'), web01: storePath('b'), 'WEB01.dc1.example.com': storePath('b') } }).text);
    await git(repo, 'commit', '-qam', 'prod r2: web01 gets b');

    const v = await ogygia(['verify', '--repo', repo, '--base', 'main']);
    expect(v.code, v.out).toBe(0);
    expect(v.out).toContain('  ok    hosts.toml: 1 host(s) enrolled');
    expect(v.out.split('\n').filter((l) => l.startsWith('  warn'))).toEqual([
      '  warn  prod: target "web01" is not an enrolled host but looks like "web01.dc1.example.com" in hosts.toml; that host refuses a release that names it only so (AmbiguousHostError): spell the target as hosts.toml does',
    ]);
    const json = JSON.parse((await ogygia(['verify', '--repo', repo, '--base', 'main', '--json'])).out);
    expect(json).toMatchObject({ ok: true, enrollment: { file: 'hosts.toml', hosts: 1 }, warnings: [{ channel: 'prod', target: 'web01', enrolled: 'web01.dc1.example.com' }] });

    await writeFile(join(repo, 'hosts.toml'), (await readFile(join(repo, 'hosts.toml'), 'utf8')) + '\n[hosts.WEB01.dc1.example.com]\n');
    await git(repo, 'commit', '-qam', 'a broken hosts.toml');
    const bad = await ogygia(['verify', '--repo', repo, '--base', 'main']);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/ {2}FAIL {2}InvalidEnrollmentError: hosts\.toml cannot be used \(/);
  });
});

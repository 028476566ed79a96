import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePathInfoJson } from '../core/path-info.js';
import { impactReportSchema, type ImpactReportJson } from '../core/wire/impact-report.js';
import { testKeyFile, testPublicKey } from '../testkit/keys.js';
import { serveBinaryCache, type HttpBinaryCache } from '../testkit/binary-cache-http.js';
import { git as gitIn } from '../testkit/channel-repo.js';
import { buildSystemClosure, copyToFileCache, deleteStorePaths, isValidStorePath, nixEnv, nixKeyPair, signStorePaths } from '../testkit/nix.js';
import { makeTempDir } from '../testkit/tmp.js';

// DESIGN.md §14 against closures built with real Nix, signed, pushed to a file:// cache (xz NARs,
// as `nix copy` writes them) and deleted from the local store: `ogygia diff` must read them back
// from the cache alone and report exactly what changed, per group of hosts.

const BIN = join(import.meta.dirname, '..', 'bin', 'ogygia');
const GIT_ID = { GIT_AUTHOR_NAME: 'Op', GIT_AUTHOR_EMAIL: 'op@ogygia.invalid', GIT_COMMITTER_NAME: 'Op', GIT_COMMITTER_EMAIL: 'op@ogygia.invalid' };

async function ogygia(args: string[]) {
  const r = await execa(BIN, args, { reject: false, env: nixEnv(GIT_ID), stdin: 'ignore' });
  return { code: r.exitCode, out: String(r.stdout), err: String(r.stderr) };
}

let tmp: { path: string; cleanup: () => Promise<void> };
let repo: string;
let cacheUrl: string;
let cacheKey: string;
let http: HttpBinaryCache;
const sys: Record<'webA' | 'webB' | 'dbA' | 'dbB', string> = { webA: '', webB: '', dbA: '', dbB: '' };
const totals: Record<string, { paths: number; bytes: number }> = {};
let fromLocalStore: ImpactReportJson;

beforeAll(async () => {
  tmp = await makeTempDir('ogygia-closure-diff-');
  const salt = `${process.pid}-${Date.now()}`;
  const nixDir = join(tmp.path, 'nix');
  // Same system name before and after, as NixOS's `nixos-system-<host>-<version>` stays for a config change.
  sys.webA = await buildSystemClosure(nixDir, { name: 'nixos-system-web-24.05', revision: 'a', salt, packages: ['openssl-3.0.12', 'glibc-2.38', 'bash-5.2'], kernel: '6.6.1' });
  sys.webB = await buildSystemClosure(nixDir, { name: 'nixos-system-web-24.05', revision: 'b', salt, packages: ['openssl-3.0.13', 'glibc-2.38', 'bash-5.2', 'curl-8.1.0'], kernel: '6.6.1' });
  sys.dbA = await buildSystemClosure(nixDir, { name: 'nixos-system-db-24.05', revision: 'a', salt, packages: ['postgresql-15.4', 'glibc-2.38'], kernel: '6.6.1' });
  sys.dbB = await buildSystemClosure(nixDir, { name: 'nixos-system-db-24.05', revision: 'b', salt, packages: ['postgresql-15.4', 'glibc-2.38'], kernel: '6.6.2' });
  for (const [k, p] of Object.entries(sys)) {
    const closure = parsePathInfoJson(String((await execa('nix', ['path-info', '--json', '-r', p], { env: nixEnv() })).stdout));
    totals[k] = { paths: closure.length, bytes: closure.reduce((n, c) => n + c.narSize, 0) };
  }

  // The channels repository: release 1 on main, release 2 on a branch (a pull request).
  repo = join(tmp.path, 'channels');
  const keys = await nixKeyPair(tmp.path, 'test-cache-1');
  cacheKey = keys.publicKey;
  cacheUrl = `file://${join(tmp.path, 'cache')}`;
  const publish = (targets: Record<string, string>) =>
    ogygia(['publish', '--repo', repo, '--channel', 'prod', '--key', testKeyFile('test-only-ops-1'), '--source-revision', 'a'.repeat(40),
      '--substituter', cacheUrl, ...Object.entries(targets).flatMap(([h, p]) => ['--target', `${h}=${p}`])]);
  expect((await publish({ '*': sys.webA, web01: sys.webA, db01: sys.dbA })).code).toBe(0);
  await writeFile(join(repo, 'ogygia.toml'), `[trust]\nkeys = ["${testPublicKey('test-only-ops-1')}"]\n[cache]\ntrusted_keys = ["${cacheKey}"]\n`);
  await gitIn(repo, 'add', 'ogygia.toml');
  await gitIn(repo, 'commit', '-qm', 'trust policy with the cache key');
  await gitIn(repo, 'checkout', '-q', '-b', 'release-2');
  expect((await publish({ '*': sys.webB, web01: sys.webB, db01: sys.dbB })).code).toBe(0);

  // While the closures are in the local store, diff reads them there.
  const local = await ogygia(['diff', '--repo', repo, '--channel', 'prod', '--json', '--cache', 'http://127.0.0.1:9']);
  expect(local.code, local.err).toBe(0);
  fromLocalStore = impactReportSchema.parse(JSON.parse(local.out));

  // Signed, pushed to the file:// cache, gone from the local store.
  const all = Object.values(sys);
  await signStorePaths(all, keys.secretFile);
  await execa('nix', ['store', 'sign', '-r', '--key-file', keys.secretFile, ...all], { env: nixEnv() });
  await copyToFileCache(all, join(tmp.path, 'cache'));
  const closure = String((await execa('nix-store', ['-qR', ...all], { env: nixEnv() })).stdout).trim().split('\n');
  await deleteStorePaths(closure);
  for (const p of all) expect(await isValidStorePath(p)).toBe(false);
  http = await serveBinaryCache(join(tmp.path, 'cache'));
}, 300_000);

afterAll(async () => {
  await http?.stop();
  await tmp?.cleanup();
});

describe('ogygia diff from a binary cache alone', () => {
  it('--json reports exactly the changes per group (in host order: db01, then web01 with *), the closure sizes, and a reboot only for the kernel change', async () => {
    const r = await ogygia(['diff', '--repo', repo, '--channel', 'prod', '--json']);
    expect(r.code, r.err).toBe(0);
    const report = impactReportSchema.parse(JSON.parse(r.out));
    expect(report).toEqual({
      channel: 'prod',
      from: 1,
      to: 2,
      groups: [
        {
          hosts: ['db01'],
          fromPath: sys.dbA,
          toPath: sys.dbB,
          changed: [
            { name: 'initrd-linux', from: ['6.6.1'], to: ['6.6.2'] },
            { name: 'linux', from: ['6.6.1', '6.6.1-modules'], to: ['6.6.2', '6.6.2-modules'] },
          ],
          added: [],
          removed: [],
          closure: { fromPaths: totals.dbA!.paths, toPaths: totals.dbB!.paths, fromBytes: totals.dbA!.bytes, toBytes: totals.dbB!.bytes },
          rebootRequired: true,
          rebootReasons: ['kernel: linux 6.6.1 → 6.6.2', 'initrd: initrd-linux 6.6.1 → 6.6.2', 'kernel-modules: linux 6.6.1-modules → 6.6.2-modules'],
        },
        {
          hosts: ['web01', '*'],
          fromPath: sys.webA,
          toPath: sys.webB,
          changed: [{ name: 'openssl', from: ['3.0.12'], to: ['3.0.13'] }],
          added: [{ name: 'curl', versions: ['8.1.0'] }],
          removed: [],
          closure: { fromPaths: totals.webA!.paths, toPaths: totals.webB!.paths, fromBytes: totals.webA!.bytes, toBytes: totals.webB!.bytes },
          rebootRequired: false,
          rebootReasons: [],
        },
      ],
    });
    expect(totals.webB!.paths).toBe(totals.webA!.paths + 1);
    // The local store and the cache tell the same story.
    expect(report).toEqual(fromLocalStore);
    // Over HTTP too (the same cache served on loopback), with --from/--to spelled out.
    const h = await ogygia(['diff', '--repo', repo, '--channel', 'prod', '--from', '1', '--to', '2', '--cache', http.url, '--json']);
    expect(h.code, h.err).toBe(0);
    expect(JSON.parse(h.out)).toEqual(report);
  });

  it('verify --base prints the same report in text, totals last', async () => {
    const text = await ogygia(['diff', '--repo', repo, '--channel', 'prod']);
    expect(text.code, text.err).toBe(0);
    const v = await ogygia(['verify', '--repo', repo, '--base', 'main']);
    expect(v.code, v.out + v.err).toBe(0);
    const impact = v.out.split('\n').slice(v.out.split('\n').indexOf('impact:') + 1, -1);
    expect(impact).toEqual(text.out.split('\n').map((l) => `  ${l}`));
    expect(text.out).toContain('[U]  openssl  3.0.12 → 3.0.13');
    expect(text.out).toMatch(/\[A\]  curl +8\.1\.0/);
    expect(text.out).toContain('Reboot required: kernel: linux 6.6.1 → 6.6.2; initrd: initrd-linux 6.6.1 → 6.6.2;');
    expect(text.out).toContain('No reboot needed');
    expect(text.out.split('\n').filter((l) => l.includes('Closure: '))).toHaveLength(2);
    const j = JSON.parse((await ogygia(['verify', '--repo', repo, '--base', 'main', '--json'])).out);
    expect(j.diff).toEqual([JSON.parse((await ogygia(['diff', '--repo', repo, '--channel', 'prod', '--json'])).out)]);
  });

  it('--markdown renders a summary line and a table per group', async () => {
    const md = await ogygia(['diff', '--repo', repo, '--channel', 'prod', '--markdown']);
    expect(md.code, md.err).toBe(0);
    expect(md.out).toContain('**prod**: 2 group(s) change: 3 version change(s), 1 added, 0 removed; reboot required for db01');
    expect(md.out).toContain('#### `web01`, `*`');
    expect(md.out).toContain('| change | package | from | to |\n|---|---|---|---|\n| upgraded | `openssl` | `3.0.12` | `3.0.13` |\n| added | `curl` |  | `8.1.0` |');
    expect(md.out).toContain('| upgraded | `linux` | `6.6.1, 6.6.1-modules` | `6.6.2, 6.6.2-modules` |');
  });

  it('believes no cache whose narinfos a trusted key did not sign', async () => {
    const other = await nixKeyPair(tmp.path, 'test-other-1');
    const r = await ogygia(['diff', '--repo', repo, '--channel', 'prod', '--trusted-key', other.publicKey]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('[UntrustedNarinfoError]');
    const v = await ogygia(['verify', '--repo', repo, '--base', 'main', '--trusted-key', other.publicKey]);
    expect(v.code).toBe(1);
    expect(v.out).toContain('FAIL  UntrustedNarinfoError');
    const none = await ogygia(['diff', '--repo', repo, '--channel', 'prod', '--to', '7']);
    expect(none.err).toContain('[RevisionNotFoundError]');
  });
});

import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProfileError } from '../../core/errors/index.js';
import { createLogger } from '../../core/log.js';
import { SYSTEM_PROFILE } from '../../core/paths.js';
import { nixEnv, requireNix } from '../../testkit/nix.js';
import { makeTempDir } from '../../testkit/tmp.js';
import { createNixExecutor, storePathPrefix } from './nix.js';

// profileTarget against a temporary OGYGIA_ROOT, with real nix-env for the
// profile it sets: a missing profile is "none yet" (null); one that is there
// but cannot be followed to a store path is a ProfileError with the reason.
let tmp: { path: string; cleanup: () => Promise<void> };
let storePath: string;
beforeAll(async () => {
  await requireNix();
  tmp = await makeTempDir('ogygia-executor-');
  const src = join(tmp.path, 'sys');
  await mkdir(join(src, 'sub'), { recursive: true });
  await writeFile(join(src, 'sub', 'marker'), `${process.pid} ${Date.now()} ${Math.random()}\n`);
  storePath = String((await execa('nix-store', ['--add', src], { env: nixEnv() })).stdout).trim();
});
afterAll(async () => {
  await tmp?.cleanup();
});

let n = 0;
async function hostRoot(): Promise<{ root: string; profile: string; executor: ReturnType<typeof createNixExecutor> }> {
  const root = join(tmp.path, `root-${n++}`);
  await mkdir(root, { recursive: true });
  const executor = createNixExecutor({
    root,
    profile: SYSTEM_PROFILE,
    action: 'test',
    copyTimeoutMs: 60_000,
    stalledDownloadTimeoutSeconds: 60,
    profileTimeoutMs: 60_000,
    switchTimeoutMs: 60_000,
    systemdRun: 'never',
    logDir: root,
    env: nixEnv(),
    log: createLogger('agent', () => {}),
  });
  return { root, profile: join(root, SYSTEM_PROFILE), executor };
}

async function profileError(p: Promise<unknown>): Promise<ProfileError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ProfileError);
  return e as ProfileError;
}

describe('nix executor: profileTarget', () => {
  it('is null on a root without the profiles directory or without the profile', async () => {
    const h = await hostRoot();
    expect(await h.executor.profileTarget()).toBeNull();
    await mkdir(join(h.root, 'nix/var/nix/profiles'), { recursive: true });
    expect(await h.executor.profileTarget()).toBeNull();
  });

  it('is the store path nix-env set the profile to', async () => {
    const h = await hostRoot();
    await h.executor.setProfile(storePath);
    expect(await h.executor.profileTarget()).toBe(storePath);
  });

  it('is the store path a profile pointing inside one lies in', async () => {
    const h = await hostRoot();
    await mkdir(join(h.root, 'nix/var/nix/profiles'), { recursive: true });
    await symlink(join(storePath, 'sub'), h.profile);
    expect(await h.executor.profileTarget()).toBe(storePath);
  });

  it('is a ProfileError when the profile resolves outside /nix/store', async () => {
    const h = await hostRoot();
    await mkdir(join(h.root, 'nix/var/nix/profiles'), { recursive: true });
    await symlink(h.root, h.profile);
    const e = await profileError(h.executor.profileTarget());
    expect(e.code).toBe('ProfileError');
    expect(e.message).toContain(h.profile);
    expect(e.message).toMatch(/not in \/nix\/store/);
    expect(e.data).toMatchObject({ profile: h.profile, target: h.root });
  });

  it('is a ProfileError when the profile is a dangling link (its generation is gone)', async () => {
    const h = await hostRoot();
    await mkdir(join(h.root, 'nix/var/nix/profiles'), { recursive: true });
    await symlink('/nix/store/00000000000000000000000000000000-ogygia-gone', h.profile);
    const e = await profileError(h.executor.profileTarget());
    expect(e.data).toMatchObject({ errno: 'ENOENT' });
    expect(e.message).toMatch(/dangling link/);
  });

  it('is a ProfileError on a symlink loop', async () => {
    const h = await hostRoot();
    const dir = join(h.root, 'nix/var/nix/profiles');
    await mkdir(dir, { recursive: true });
    await symlink(join(dir, 'other'), h.profile);
    await symlink(h.profile, join(dir, 'other'));
    const e = await profileError(h.executor.profileTarget());
    expect(e.data).toMatchObject({ errno: 'ELOOP' });
    expect(e.message).toMatch(/symlink loop/);
  });

  it('is a ProfileError when a directory on the way is not a directory', async () => {
    const h = await hostRoot();
    await mkdir(join(h.root, 'nix/var'), { recursive: true });
    await writeFile(join(h.root, 'nix/var/nix'), 'not a directory');
    const e = await profileError(h.executor.profileTarget());
    expect(e.data).toMatchObject({ errno: 'ENOTDIR' });
  });
});

describe('storePathPrefix', () => {
  const P = '/nix/store/0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a-nixos-system-old';
  it('is the store path itself or the one a path lies in', () => {
    expect(storePathPrefix(P)).toBe(P);
    expect(storePathPrefix(`${P}/bin/switch-to-configuration`)).toBe(P);
  });
  it('is undefined outside the store or for names that are not store paths', () => {
    expect(storePathPrefix('/tmp/nixos-system')).toBeUndefined();
    expect(storePathPrefix('/nix/store')).toBeUndefined();
    expect(storePathPrefix('/nix/store/.links/abc')).toBeUndefined();
    expect(storePathPrefix('/nix/store/short-name')).toBeUndefined();
    expect(storePathPrefix('/other/nix/store/0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a-x')).toBeUndefined();
  });
});

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { requireProgram } from './processes.js';

/** Environment for running Debian's Nix 2.8 as root in tests: no sandbox, nix-command on. */
export function nixEnv(extra: Record<string, string> = {}, trustedPublicKeys: string[] = []): NodeJS.ProcessEnv {
  const lines = ['experimental-features = nix-command', 'sandbox = false', 'substituters =', 'narinfo-cache-negative-ttl = 0'];
  if (trustedPublicKeys.length) lines.push(`trusted-public-keys = ${trustedPublicKeys.join(' ')}`);
  return { ...process.env, NIX_CONFIG: lines.join('\n'), ...extra };
}

export async function requireNix(): Promise<void> {
  await requireProgram('nix-build', 'nix-bin');
}

/**
 * Build a small fake NixOS "system" closure without nixpkgs: a directory with
 * `sw/share/ogygia/build-revision` and a `bin/switch-to-configuration` shell
 * script that records its action under $OGYGIA_ROOT/switch.log, exits with
 * `failSwitch`, and (when `healthFile` content is given) writes it to
 * $OGYGIA_ROOT/health so a health command can read it.
 */
export async function buildSystemClosure(
  workDir: string,
  opts: {
    name: string;
    revision: string;
    failSwitch?: boolean;
    healthy?: boolean;
    salt?: string;
    /** The switch waits while `$OGYGIA_ROOT/<holdFile>` exists (lets a test stop the agent mid-switch). */
    holdFile?: string;
  },
): Promise<string> {
  await requireNix();
  await mkdir(workDir, { recursive: true });
  const file = join(workDir, `${opts.name}.nix`);
  const script = [
    'mkdir -p $out/bin $out/sw/share/ogygia',
    `printf %s ${opts.revision} > $out/sw/share/ogygia/build-revision`,
    `printf %s ${opts.healthy === false ? 'unhealthy' : 'healthy'} > $out/health`,
    `printf %s '${opts.salt ?? ''}' > $out/salt`,
    "cat > $out/bin/switch-to-configuration <<'SW'",
    '#!/bin/sh',
    'root="${OGYGIA_ROOT:-/}"',
    'self="$(cd "$(dirname "$0")/.." && pwd)"',
    ...(opts.holdFile ? [`while [ -e "$root/${opts.holdFile}" ]; do sleep 0.05; done`] : []),
    'echo "$1 $self" >> "$root/switch.log"',
    opts.failSwitch ? 'exit 1' : 'mkdir -p "$root/run" && ln -sfn "$self" "$root/run/current-system" && exit 0',
    'SW',
    'chmod +x $out/bin/switch-to-configuration',
  ].join('\n');
  await writeFile(
    file,
    `derivation { name = ${nixString(opts.name)}; system = builtins.currentSystem; builder = "/bin/sh"; ` +
      `args = [ "-c" ${nixString(script)} ]; PATH = "/usr/bin:/bin"; }\n`,
  );
  const r = await execa('nix-build', [file, '--no-out-link'], { env: nixEnv() });
  return String(r.stdout).trim().split('\n').pop()!;
}

/** A Nix signing key pair made by `nix key generate-secret` (TEST-ONLY: name it so). */
export async function nixKeyPair(dir: string, name: string): Promise<{ secretFile: string; publicKey: string }> {
  await mkdir(dir, { recursive: true });
  const secret = String((await execa('nix', ['key', 'generate-secret', '--key-name', name], { env: nixEnv() })).stdout).trim();
  const secretFile = join(dir, `${name}.secret`);
  await writeFile(secretFile, secret + '\n', { mode: 0o600 });
  const pub = String((await execa('nix', ['key', 'convert-secret-to-public'], { input: secret, env: nixEnv() })).stdout).trim();
  return { secretFile, publicKey: pub };
}

/** Sign store paths in the local store with a Nix secret key file. */
export async function signStorePaths(paths: readonly string[], secretFile: string): Promise<void> {
  await execa('nix', ['store', 'sign', '--key-file', secretFile, ...paths], { env: nixEnv() });
}

/** Copy store paths (with whatever signatures they carry) into a file:// binary cache directory. */
export async function copyToFileCache(paths: readonly string[], cacheDir: string): Promise<string> {
  const url = `file://${cacheDir}`;
  await execa('nix', ['copy', '--to', url, ...paths], { env: nixEnv() });
  return url;
}

/** Remove store paths from the local store, so a later `nix copy --from` must really fetch them. */
export async function deleteStorePaths(paths: readonly string[]): Promise<void> {
  await execa('nix-store', ['--delete', ...paths], { env: nixEnv() });
}

export async function isValidStorePath(path: string): Promise<boolean> {
  const r = await execa('nix-store', ['--check-validity', path], { env: nixEnv(), reject: false });
  return r.exitCode === 0;
}

/** A Nix string literal: escapes backslash, quote, newline and `${` (antiquotation). */
export function nixString(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$\{/g, '\\${').replace(/\n/g, '\\n') + '"';
}

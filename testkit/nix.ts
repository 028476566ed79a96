import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { requireProgram } from './processes.js';

/** The directory holding the one nix.conf the project runs its own Nix with. */
export const NIX_CONF_DIR = join(import.meta.dirname, 'nix-conf');

/**
 * Environment for every Nix the project runs for itself (tests, demo,
 * benchmarks, and the agents and irisd daemons they start): Debian's Nix as
 * root in single-user mode, configured only by testkit/nix-conf/nix.conf —
 * never by /etc/nix, ~/.config/nix or an inherited NIX_CONFIG — plus the
 * binary-cache keys a test trusts. `extra` adds other variables.
 */
export function nixEnv(extra: Record<string, string> = {}, trustedPublicKeys: readonly string[] = []): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NIX_CONF_DIR,
    NIX_USER_CONF_FILES: join(NIX_CONF_DIR, 'nix.conf'),
    NIX_CONFIG: trustedPublicKeys.length ? `trusted-public-keys = ${trustedPublicKeys.join(' ')}` : '',
    ...extra,
  };
  // A daemon socket or a remote store named by the machine would take the builds away from this process.
  delete env.NIX_REMOTE;
  return env;
}

export async function requireNix(): Promise<void> {
  await requireProgram('nix-build', 'nix-bin');
}

/** What a `failSwitch` system's switch-to-configuration prints on stderr before it exits 4. */
export const FAILED_SWITCH_LINE = 'error: unit ogygia-test-broken.service failed to start';

/**
 * Build a small fake NixOS "system" closure without nixpkgs: a directory with
 * `sw/share/ogygia/build-revision` and a `bin/switch-to-configuration` shell
 * script that records its action under $OGYGIA_ROOT/switch.log, points
 * $OGYGIA_ROOT/run/current-system at itself (except for `boot`), exits with
 * `failSwitch` (then it prints FAILED_SWITCH_LINE and exits 4), and (when `healthFile` content is given) writes it to
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
    /**
     * Packages in the closure, by store path name (`openssl-3.0.12`), linked
     * from `sw/pkgs/`. A `#tag` suffix (`glibc-2.38#b`) builds the same name
     * with other contents: a rebuild with the same version. Packages with the
     * same name, tag and salt are one store path in every system that has them.
     */
    packages?: readonly string[];
    /** A kernel version: `linux-<v>`, `initrd-linux-<v>` and `linux-<v>-modules` in the closure, with NixOS's `kernel`, `initrd` and `kernel-modules` links. */
    kernel?: string;
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
    // A failing switch talks like NixOS's does, so tests can check its own error line reaches logs and reports.
    // `boot` only makes the system the next boot (as NixOS's does): /run/current-system stays.
    opts.failSwitch
      ? `echo 'activating the configuration...'; echo '${FAILED_SWITCH_LINE}' >&2; exit 4`
      : '[ "$1" = boot ] || { mkdir -p "$root/run" && ln -sfn "$self" "$root/run/current-system"; }; exit 0',
    'SW',
    'chmod +x $out/bin/switch-to-configuration',
    ...(opts.packages?.length ? ['mkdir -p $out/sw/pkgs', 'for p in $pkgs; do ln -s "$p" "$out/sw/pkgs/${p#/nix/store/*-}"; done'] : []),
    ...(opts.kernel ? ['ln -s "$kernelPkg/bzImage" $out/kernel', 'ln -s "$initrdPkg/initrd" $out/initrd', 'ln -s "$modulesPkg" $out/kernel-modules'] : []),
  ].join('\n');
  const salt = opts.salt ?? '';
  // One derivation per package; its contents depend only on name, tag and salt, so systems share it.
  const pkg = (name: string, tag: string, extraFile?: string): string =>
    `(mk ${nixString(name)} ${nixString(
      `mkdir -p $out/lib; printf %s ${shellWord(`${salt}#${name}#${tag}`)} > $out/lib/${name}` + (extraFile ? `; printf %s ${shellWord(salt)} > $out/${extraFile}` : ''),
    )})`;
  const packages = (opts.packages ?? []).map((p) => {
    const [name, tag = ''] = p.split('#') as [string, string?];
    return pkg(name, tag);
  });
  const boot = opts.kernel
    ? `kernelPkg = ${pkg(`linux-${opts.kernel}`, '', 'bzImage')}; initrdPkg = ${pkg(`initrd-linux-${opts.kernel}`, '', 'initrd')}; ` +
      `modulesPkg = ${pkg(`linux-${opts.kernel}-modules`, '')}; `
    : '';
  const extra = opts.packages?.length || opts.kernel;
  await writeFile(
    file,
    (extra ? `let mk = name: script: derivation { inherit name; system = builtins.currentSystem; builder = "/bin/sh"; args = [ "-c" script ]; PATH = "/usr/bin:/bin"; }; in ` : '') +
      `derivation { name = ${nixString(opts.name)}; system = builtins.currentSystem; builder = "/bin/sh"; ` +
      (packages.length ? `pkgs = [ ${packages.join(' ')} ]; ` : '') +
      boot +
      `args = [ "-c" ${nixString(script)} ]; PATH = "/usr/bin:/bin"; }\n`,
  );
  const r = await execa('nix-build', [file, '--no-out-link'], { env: nixEnv() });
  return String(r.stdout).trim().split('\n').pop()!;
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

/** A single-quoted shell word. */
function shellWord(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A Nix string literal: escapes backslash, quote, newline and `${` (antiquotation). */
export function nixString(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$\{/g, '\\${').replace(/\n/g, '\\n') + '"';
}

/**
 * Build a chain of `length` derivations without nixpkgs, each referencing the
 * one before it (and carrying `bytes` of pseudo-random payload): returns the
 * top path and its whole closure (top first).
 */
export async function buildChain(
  workDir: string,
  opts: { name: string; length: number; salt: string; bytes?: number; shared?: string },
): Promise<{ top: string; closure: string[] }> {
  await requireNix();
  await mkdir(workDir, { recursive: true });
  const file = join(workDir, `${opts.name}.nix`);
  const bytes = opts.bytes ?? 64;
  const lines = [
    'let mk = name: dep: derivation { inherit name; system = builtins.currentSystem; builder = "/bin/sh"; PATH = "/usr/bin:/bin";',
    `  args = [ "-c" ("mkdir -p $out/bin; echo ${JSON.stringify(opts.salt).slice(1, -1)} > $out/salt; echo " + dep + " > $out/dep; ` +
      `head -c ${bytes} /dev/urandom > $out/payload; printf '#!/bin/sh\\necho hi\\n' > $out/bin/run; chmod +x $out/bin/run; ln -s dep $out/link") ]; };`,
    `  c0 = mk "${opts.name}-0" "${opts.shared ?? 'none'}";`,
  ];
  for (let i = 1; i < opts.length; i++) lines.push(`  c${i} = mk "${opts.name}-${i}" c${i - 1};`);
  lines.push(`in c${opts.length - 1}`);
  await writeFile(file, lines.join('\n') + '\n');
  const r = await execa('nix-build', [file, '--no-out-link'], { env: nixEnv() });
  const top = String(r.stdout).trim().split('\n').pop()!;
  const q = await execa('nix-store', ['-qR', top], { env: nixEnv() });
  const closure = String(q.stdout).trim().split('\n');
  return { top, closure: [top, ...closure.filter((p) => p !== top)] };
}

/** A Nix signing key pair in `dir`: the secret key file and the public key string. */
export async function nixKeyPair(dir: string, name: string): Promise<{ secretFile: string; publicKey: string }> {
  await requireNix();
  const secretFile = join(dir, `${name}.sec`);
  const sec = await execa('nix', ['key', 'generate-secret', '--key-name', name], { env: nixEnv() });
  await writeFile(secretFile, String(sec.stdout).trim(), { mode: 0o600 });
  const pub = await execa('nix', ['key', 'convert-secret-to-public'], { input: String(sec.stdout).trim(), env: nixEnv() });
  return { secretFile, publicKey: String(pub.stdout).trim() };
}

/** Copy paths (with their closures) from the system store into a `local?root=DIR` store, then sign them there if a key is given. */
export async function copyIntoStore(root: string, paths: string[], keyFile?: string): Promise<void> {
  await execa('nix', ['copy', '--no-check-sigs', '--to', `local?root=${root}`, ...paths], { env: nixEnv() });
  if (keyFile) await execa('nix', ['store', 'sign', '--store', `local?root=${root}`, '--key-file', keyFile, '-r', ...paths], { env: nixEnv() });
}

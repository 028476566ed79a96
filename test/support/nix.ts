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
  opts: { name: string; revision: string; failSwitch?: boolean; healthy?: boolean; salt?: string },
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

/** A Nix string literal: escapes backslash, quote, newline and `${` (antiquotation). */
export function nixString(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$\{/g, '\\${').replace(/\n/g, '\\n') + '"';
}

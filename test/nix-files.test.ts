import { execa } from 'execa';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nixEnv } from '../testkit/nix.js';
import { makeTempDir } from '../testkit/tmp.js';

// Every .nix file in the repository must parse (there is no nixpkgs on the
// CI machine, so this, the pure evaluations below, `npm run test:nixos` (the
// modules evaluated with nixpkgs' lib alone) and the NixOS VM tests run by
// `nix flake check` elsewhere are what keeps the Nix side honest). Files
// are found at test time, so a new file is covered without touching this test.

const repo = fileURLToPath(new URL('..', import.meta.url));
const skip = new Set(['node_modules', '.git', 'dist', '.artifacts', 'tmp']);

async function findNixFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (skip.has(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await findNixFiles(p)));
    else if (e.isFile() && e.name.endsWith('.nix')) out.push(p);
  }
  return out.sort();
}

async function requireNixInstantiate(): Promise<void> {
  try {
    await execa('nix-instantiate', ['--version']);
  } catch {
    throw new Error('nix-instantiate is not installed; install it with: apt-get install -y nix-bin');
  }
}

async function parse(file: string): Promise<{ ok: boolean; stderr: string }> {
  const r = await execa('nix-instantiate', ['--parse', file], { reject: false, env: nixEnv() });
  return { ok: r.exitCode === 0, stderr: String(r.stderr) };
}

describe('Nix files', () => {
  it('finds the flake, the package and every module part', async () => {
    const files = (await findNixFiles(repo)).map((f) => relative(repo, f));
    for (const f of [
      'flake.nix',
      'nix/package.nix',
      'nix/modules/default.nix',
      'nix/tests/reconciler-agents.nix',
      'nix/tests/irisd.nix',
      ...['ogygia', 'report', 'agent', 'reconciler', 'irisd'].flatMap((p) => [
        `nix/modules/${p}/default.nix`,
        `nix/modules/${p}/options.nix`,
        `nix/modules/${p}/config.nix`,
      ]),
    ]) {
      expect(files).toContain(f);
    }
  });

  it('parses every .nix file with nix-instantiate --parse', async () => {
    await requireNixInstantiate();
    const files = await findNixFiles(repo);
    expect(files.length).toBeGreaterThan(0);
    const failures: string[] = [];
    for (const f of files) {
      const r = await parse(f);
      if (!r.ok) failures.push(`${relative(repo, f)}: ${r.stderr.trim()}`);
    }
    expect(failures).toEqual([]);
  });

  it('reports a file that does not parse (the check can fail)', async () => {
    await requireNixInstantiate();
    const dir = await makeTempDir('ogygia-nix-parse-');
    try {
      const bad = join(dir.path, 'bad.nix');
      await writeFile(bad, '{ a = 1; b = ; }\n');
      const r = await parse(bad);
      expect(r.ok).toBe(false);
      expect(r.stderr).toMatch(/syntax error/);
    } finally {
      await dir.cleanup();
    }
  });

  it('nix/npm-lock.nix gives every registry package of package-lock.json a registry URL', async () => {
    await requireNixInstantiate();
    const expr =
      `let l = import ${join(repo, 'nix/npm-lock.nix')} { packageLock = builtins.fromJSON (builtins.readFile ${join(repo, 'package-lock.json')}); }; ` +
      'in builtins.mapAttrs (_: m: m.resolved or null) l.packages';
    const r = await execa('nix-instantiate', ['--eval', '--strict', '--json', '-E', expr], { env: nixEnv() });
    const resolved = JSON.parse(String(r.stdout)) as Record<string, string | null>;
    const lock = JSON.parse(await readFile(join(repo, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string; integrity?: string; link?: boolean; resolved?: string; name?: string }>;
    };
    const missing: string[] = [];
    for (const [path, m] of Object.entries(lock.packages)) {
      if (path === '' || m.link) continue;
      const name = m.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
      const base = name.slice(name.lastIndexOf('/') + 1);
      const want = m.resolved ?? `https://registry.npmjs.org/${name}/-/${base}-${m.version}.tgz`;
      if (resolved[path] !== want) missing.push(`${path}: ${resolved[path]} (want ${want})`);
    }
    expect(missing).toEqual([]);
    const scoped = Object.entries(resolved).find(([p]) => p.startsWith('node_modules/@'));
    expect(scoped?.[1]).toMatch(/^https:\/\/registry\.npmjs\.org\/@[^/]+\/[^/]+\/-\/[^/]+-\d[^/]*\.tgz$/);
  });
});

import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every NixOS option docs/nix.md names must exist in nix/modules/, so the
// documentation cannot drift from the modules. An option path
// `ogygia.a.b.c` exists when the options.nix of its part declares its last
// segments (`c = mkOption`, `b.c = mkOption`, or `b = { ... c = mkOption`)
// under `options.ogygia.<part>` (or `options.ogygia` for the base module).

const repo = fileURLToPath(new URL('..', import.meta.url));
const parts = ['report', 'agent', 'reconciler', 'irisd'] as const;

/** Option paths (`ogygia.x.y`) written in inline code in the document. */
function documentedOptions(markdown: string): string[] {
  const found = new Set<string>();
  for (const m of markdown.matchAll(/`(ogygia(?:\.[A-Za-z_][\w-]*)+)`/g)) if (!/\.(toml|json|md)$/.test(m[1]!)) found.add(m[1]!); // file names are not options
  return [...found].sort();
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Does the options text declare this path (relative to its options.ogygia.<part> block)? */
function declares(text: string, rel: string[]): boolean {
  if (rel.length === 0) return true;
  const last = rel[rel.length - 1]!;
  // `a.b.last = mkOption`, `b.last = mkOption`, or `last = mkOption`/`mkEnableOption`
  for (let i = 0; i < rel.length; i++) {
    const dotted = rel.slice(i).map(escape).join('\\.');
    if (new RegExp(`(^|\\s)${dotted}\\s*=\\s*mk(Enable)?Option\\b`, 'm').test(text)) {
      // every enclosing segment must also appear as an attribute in the file
      return rel.slice(0, i).every((seg) => new RegExp(`(^|[\\s.])${escape(seg)}(\\s*=|\\.)`, 'm').test(text));
    }
  }
  // an option group: `last = {` (e.g. `ogygia.etcd`)
  return new RegExp(`(^|\\s)${escape(last)}\\s*=\\s*\\{`, 'm').test(text);
}

describe.each(['docs/nix.md', 'README.md'])('%s names only options the modules declare', (docFile) => {
  it('documents the flake input, the revision line and every part', async () => {
    const doc = await readFile(join(repo, docFile), 'utf8');
    expect(doc).toContain('system.configurationRevision = nixpkgs.lib.mkIf (self ? rev) self.rev;');
    expect(doc).toMatch(/ogygia\.url = "github:/);
    expect(doc).toContain('ogygia.nixosModules.default');
    for (const p of parts) expect(doc).toContain(`ogygia.${p}.enable`);
    for (const o of ['ogygia.enable', 'ogygia.domain', 'ogygia.etcd.endpoints', 'ogygia.etcd.namespace', 'ogygia.etcd.timeoutSeconds',
      'ogygia.zookeeper.enable', 'ogygia.zookeeper.endpoints', 'ogygia.zookeeper.namespace', 'ogygia.zookeeper.timeoutSeconds',
      'ogygia.versions.build_revision.enable', 'ogygia.irisd.settings', 'ogygia.irisd.configureNixDaemon', 'ogygia.nebula.ipv4']) {
      expect(doc).toContain(`\`${o}\``);
    }
  });

  it('every documented option path exists in nix/modules/', async () => {
    const doc = await readFile(join(repo, docFile), 'utf8');
    const base = await readFile(join(repo, 'nix/modules/ogygia/options.nix'), 'utf8');
    const partText = Object.fromEntries(
      await Promise.all(parts.map(async (p) => [p, await readFile(join(repo, `nix/modules/${p}/options.nix`), 'utf8')] as const)),
    );
    const options = documentedOptions(doc);
    expect(options.length).toBeGreaterThan(20);
    const missing = options.filter((o) => {
      const segs = o.split('.').slice(1);
      const part = segs[0] as (typeof parts)[number];
      if (parts.includes(part) && !(part === 'reconciler' && segs[1] === 'url')) {
        const text = partText[part]!;
        if (!text.includes(`options.ogygia.${part} =`)) return true;
        return !declares(text, segs.slice(1));
      }
      if (!base.includes('options.ogygia =')) return true;
      return !declares(base, segs);
    });
    expect(missing).toEqual([]);
  });

  it('catches an option that does not exist (the check can fail)', async () => {
    const agent = await readFile(join(repo, 'nix/modules/agent/options.nix'), 'utf8');
    expect(declares(agent, ['settings', 'trust', 'keys'])).toBe(true);
    expect(declares(agent, ['settings', 'trust', 'nonsense'])).toBe(false);
    expect(declares(agent, ['healthCommand'])).toBe(false);
  });

  it('every option in the module files sits in its own part (options and config apart)', async () => {
    for (const p of ['ogygia', ...parts]) {
      const dir = join(repo, 'nix/modules', p);
      const files = (await readdir(dir)).sort();
      expect(files).toEqual(expect.arrayContaining(['config.nix', 'default.nix', 'options.nix']));
      const config = await readFile(join(dir, 'config.nix'), 'utf8');
      expect(config).not.toMatch(/mk(Enable)?Option\b/);
    }
  });
});

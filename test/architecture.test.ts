import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The rooms of DESIGN.md §1, checked on the import graph of the sources:
// a part imports only itself and core/; core/ imports only core/; nothing
// imports test/; a command never imports another command; no circles.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PARTS = ['agent', 'reconciler', 'status', 'irisd', 'cli'] as const;
const SKIP = new Set(['node_modules', 'dist', '.git', '.artifacts']);
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function sources(dir = ROOT): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (/\.(ts|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(relative(ROOT, p));
  }
  return out;
}

/** file → the repository files it imports (relative specifiers only, `.js` resolved to `.ts`). */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const text = readFileSync(join(ROOT, f), 'utf8');
    const deps: string[] = [];
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2]!;
      const target = normalize(join(dirname(f), spec)).replace(/\.js$/, '.ts');
      if (known.has(target)) deps.push(target);
    }
    graph.set(f, deps);
  }
  return graph;
}

const top = (f: string): string => f.split('/')[0]!;
const isTest = (f: string): boolean => f.endsWith('.test.ts');
const files = sources();
const graph = importGraph(files);

describe('architecture (DESIGN.md §1)', () => {
  it('finds the sources it checks', () => {
    expect(files.filter((f) => top(f) === 'core').length).toBeGreaterThan(20);
    expect(graph.get('cli/registry.ts')?.length).toBeGreaterThan(5);
  });

  it('a part imports only itself and core/ (cli/ wires the parts together)', () => {
    const bad: string[] = [];
    for (const [f, deps] of graph) {
      const from = top(f);
      if (isTest(f) || !(PARTS as readonly string[]).includes(from) || from === 'cli') continue;
      for (const d of deps) if (top(d) !== from && top(d) !== 'core') bad.push(`${f} -> ${d}`);
    }
    expect(bad).toEqual([]);
  });

  it('core/ imports only core/', () => {
    const bad = [...graph].flatMap(([f, deps]) => (top(f) === 'core' && !isTest(f) ? deps.filter((d) => top(d) !== 'core').map((d) => `${f} -> ${d}`) : []));
    expect(bad).toEqual([]);
  });

  it('tests beside the code use core/, their own part and testkit/ or fixtures/, never another part', () => {
    const allowed = (from: string, to: string): boolean => to === from || ['core', 'testkit', 'fixtures'].includes(to);
    const bad = [...graph].flatMap(([f, deps]) =>
      isTest(f) && (PARTS as readonly string[]).concat('core').includes(top(f)) ? deps.filter((d) => !allowed(top(f), top(d))).map((d) => `${f} -> ${d}`) : [],
    );
    expect(bad).toEqual([]);
  });

  it('nothing outside test/ imports test/', () => {
    const bad = [...graph].flatMap(([f, deps]) => (top(f) !== 'test' ? deps.filter((d) => top(d) === 'test').map((d) => `${f} -> ${d}`) : []));
    expect(bad).toEqual([]);
  });

  it('a command never imports another command', () => {
    const bad = [...graph].flatMap(([f, deps]) =>
      f.startsWith('cli/commands/') ? deps.filter((d) => d.startsWith('cli/commands/') && d !== f).map((d) => `${f} -> ${d}`) : [],
    );
    expect(bad).toEqual([]);
  });

  it('ogygia starts with commander and the command declarations only: a command loads its modules when it runs', () => {
    // What `ogygia --help` (and every command, before its own module) loads: the static imports from cli/entry.ts.
    // `import type` is erased and `await import()` is lazy, so neither counts.
    const STATIC = /(?:^|\n)\s*(?:import|export)\s(?!type\s)[^'";]*?from\s*['"]([^'"]+)['"]/g;
    const loaded = new Set<string>();
    const packages = new Set<string>();
    const walk = (f: string): void => {
      if (loaded.has(f)) return;
      loaded.add(f);
      for (const m of readFileSync(join(ROOT, f), 'utf8').matchAll(STATIC)) {
        const spec = m[1]!;
        if (spec.startsWith('.')) walk(normalize(join(dirname(f), spec)).replace(/\.js$/, '.ts'));
        else if (!spec.startsWith('node:')) packages.add(spec);
      }
    };
    walk('cli/entry.ts');
    expect([...packages]).toEqual(['commander']);
    expect([...loaded].filter((f) => f.startsWith('cli/commands/') || !/^(cli\/[^/]+|core\/errors\/[^/]+)\.ts$/.test(f))).toEqual([]);
    expect(loaded.has('cli/registry.ts')).toBe(true);
  });

  it('has no import circles', () => {
    // Tarjan's strongly connected components; any component of more than one file is a circle.
    let index = 0;
    const idx = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const on = new Set<string>();
    const circles: string[][] = [];
    const visit = (v: string): void => {
      idx.set(v, index);
      low.set(v, index++);
      stack.push(v);
      on.add(v);
      for (const w of graph.get(v) ?? []) {
        if (!idx.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
      if (low.get(v) === idx.get(v)) {
        const scc: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          on.delete(w);
          scc.push(w);
        } while (w !== v);
        if (scc.length > 1) circles.push(scc.sort());
      }
    };
    for (const f of graph.keys()) if (!idx.has(f)) visit(f);
    expect(circles).toEqual([]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { impactReportSchema } from '../wire/impact-report.js';
import { type BootLinks, type ClosurePath, diffClosures, rebootNeeded } from './diff.js';
import { toImpactJson } from './json.js';
import { formatBytes, formatVersions, renderMarkdown, renderText } from './render.js';
import type { ChannelReport } from './report.js';

let n = 0;
const hashes = new Map<string, string>();
/** A store path with a stable made-up hash per (name, variant). */
function sp(name: string, variant = ''): string {
  const key = `${name}#${variant}`;
  if (!hashes.has(key)) hashes.set(key, String(n++).padStart(32, '0').replace(/[eotu]/g, 'a'));
  return `/nix/store/${hashes.get(key)!}-${name}`;
}
const p = (name: string, narSize = 100, variant = ''): ClosurePath => ({ path: sp(name, variant), narSize });
const links = (kernel: string): BootLinks => ({
  known: true,
  links: { kernel: `${sp(`linux-${kernel}`)}/bzImage`, initrd: `${sp(`initrd-linux-${kernel}`)}/initrd`, 'kernel-modules': sp(`linux-${kernel}-modules`) },
});
const noLinks: BootLinks = { known: true, links: {} };

describe('diffClosures', () => {
  it('reports version changes, added and removed packages, rebuilt ones as a count, totals, and no reboot for userland', () => {
    const glibc = p('glibc-2.38', 1000);
    const from = [p('nixos-system-web01-1', 10, 'a'), p('openssl-3.0.12', 300), p('openssl-3.0.12-bin', 50), glibc, p('bash-5.2', 200, 'a'), p('foo-1.0', 7), p('etc', 1, 'a')];
    const to = [p('nixos-system-web01-1', 11, 'b'), p('openssl-3.0.13', 310), p('openssl-3.0.13-bin', 51), glibc, p('bash-5.2', 200, 'b'), p('curl-8.1.0', 400), p('etc', 1, 'b')];
    const d = diffClosures({ fromPath: from[0]!.path, toPath: to[0]!.path, from, to, fromLinks: noLinks, toLinks: noLinks });
    expect(d.changed).toEqual([{ name: 'openssl', from: ['3.0.12', '3.0.12-bin'], to: ['3.0.13', '3.0.13-bin'] }]);
    expect(d.added).toEqual([{ name: 'curl', versions: ['8.1.0'] }]);
    expect(d.removed).toEqual([{ name: 'foo', versions: ['1.0'] }]);
    expect(d.rebuilt).toEqual(['bash', 'etc', 'nixos-system-web01']);
    expect(d.closure).toEqual({ fromPaths: 7, toPaths: 7, fromBytes: 1568, toBytes: 1973, pathsAdded: 6, pathsRemoved: 6 });
    expect(d).toMatchObject({ rebootRequired: false, rebootReasons: [] });
  });

  it('handles several versions of one name, and a name that gains a second version', () => {
    const from = [p('top', 1, 'a'), p('python3-3.10.12'), p('python3-3.11.6')];
    const to = [p('top', 1, 'b'), p('python3-3.11.6'), p('python3-3.12.0'), p('python3-3.12.0', 100, 'dup')];
    const d = diffClosures({ fromPath: from[0]!.path, toPath: to[0]!.path, from, to, fromLinks: noLinks, toLinks: noLinks });
    expect(d.changed).toEqual([{ name: 'python3', from: ['3.10.12', '3.11.6'], to: ['3.11.6', '3.12.0', '3.12.0'] }]);
    expect(formatVersions(d.changed[0]!.to)).toBe('3.11.6, 3.12.0 x2');
  });

  it('needs a reboot only when kernel, initrd or kernel modules change, and says which', () => {
    const a = sp('sys', 'a');
    const b = sp('sys', 'b');
    expect(rebootNeeded(links('6.6.1'), links('6.6.1'), a, b)).toEqual({ required: false, reasons: [] });
    expect(rebootNeeded(links('6.6.1'), links('6.6.2'), a, b)).toEqual({
      required: true,
      reasons: ['kernel: linux 6.6.1 → 6.6.2', 'initrd: initrd-linux 6.6.1 → 6.6.2', 'kernel-modules: linux 6.6.1-modules → 6.6.2-modules'],
    });
    const rebuiltInitrd: BootLinks = { known: true, links: { ...(links('6.6.1') as { links: object }).links, initrd: `${sp('initrd-linux-6.6.1', 'x')}/initrd` } };
    expect(rebootNeeded(links('6.6.1'), rebuiltInitrd, a, b).reasons).toEqual(['initrd: initrd-linux 6.6.1 rebuilt']);
    expect(rebootNeeded(noLinks, links('6.6.1'), a, b).reasons[0]).toBe('kernel: added linux 6.6.1');
    expect(rebootNeeded(links('6.6.1'), noLinks, a, b).reasons[0]).toBe('kernel: removed linux 6.6.1');
    // Unknown links: a reboot is assumed (a cache that hides them cannot make a change look harmless); the same system needs none.
    expect(rebootNeeded(links('6.6.1'), { known: false, why: 'NAR compressed with bzip2' }, a, b)).toEqual({
      required: true,
      reasons: ['boot links unknown (NAR compressed with bzip2); assume a reboot'],
    });
    expect(rebootNeeded({ known: false, why: 'x' }, { known: false, why: 'x' }, a, a).required).toBe(false);
  });

  const closureArb = fc.uniqueArray(
    fc.record({ name: fc.constantFrom('openssl', 'curl', 'bash', 'glibc', 'etc', 'linux'), version: fc.constantFrom('', '1.0', '1.1', '2.0-bin'), variant: fc.constantFrom('a', 'b'), narSize: fc.nat(10_000) }),
    { selector: (r) => `${r.name}-${r.version}-${r.variant}`, maxLength: 20 },
  );
  const toClosure = (rs: { name: string; version: string; variant: string; narSize: number }[]): ClosurePath[] =>
    rs.map((r) => ({ path: sp(r.version ? `${r.name}-${r.version}` : r.name, r.variant), narSize: r.narSize }));

  it('finds nothing between a closure and itself, and mirrors itself when from and to swap', () => {
    fc.assert(
      fc.property(closureArb, closureArb, (x, y) => {
        const a = toClosure(x);
        const b = toClosure(y);
        const same = diffClosures({ fromPath: 'a', toPath: 'a', from: a, to: a, fromLinks: noLinks, toLinks: noLinks });
        expect([same.changed, same.added, same.removed, same.rebuilt]).toEqual([[], [], [], []]);
        const fwd = diffClosures({ fromPath: 'a', toPath: 'b', from: a, to: b, fromLinks: noLinks, toLinks: noLinks });
        const back = diffClosures({ fromPath: 'b', toPath: 'a', from: b, to: a, fromLinks: noLinks, toLinks: noLinks });
        expect(back.added).toEqual(fwd.removed);
        expect(back.removed).toEqual(fwd.added);
        expect(back.changed).toEqual(fwd.changed.map((c) => ({ name: c.name, from: c.to, to: c.from })));
        expect(back.rebuilt).toEqual(fwd.rebuilt);
        const c = fwd.closure;
        expect(c.toPaths - c.fromPaths).toBe(c.pathsAdded - c.pathsRemoved);
        expect([c.fromBytes, c.toBytes]).toEqual([a, b].map((cl) => cl.reduce((s, q) => s + q.narSize, 0)));
        // Every name of either closure is in exactly one of: changed, added, removed, rebuilt, or unchanged.
        const names = (cl: ClosurePath[]): Set<string> => new Set(cl.map((q) => q.path.slice(44).replace(/-[0-9].*$/, '')));
        const listed = [...fwd.changed, ...fwd.added, ...fwd.removed].map((q) => q.name).concat(fwd.rebuilt);
        expect(new Set(listed).size).toBe(listed.length);
        for (const name of listed) expect(names(a).has(name) || names(b).has(name)).toBe(true);
      }),
    );
  });
});

describe('rendering', () => {
  const web: ChannelReport = {
    channel: 'prod',
    from: 1,
    to: 2,
    groups: [
      {
        hosts: ['web01', '*'],
        fromPath: sp('nixos-system-a'),
        toPath: sp('nixos-system-b'),
        changed: [{ name: 'openssl', from: ['3.0.12'], to: ['3.0.13'] }],
        added: [{ name: 'curl', versions: ['8.1.0'] }],
        removed: [],
        rebuilt: ['etc', 'system-path'],
        closure: { fromPaths: 10, toPaths: 11, fromBytes: 2048, toBytes: 3584, pathsAdded: 4, pathsRemoved: 3 },
        rebootRequired: false,
        rebootReasons: [],
      },
      {
        hosts: ['db01'],
        fromPath: sp('nixos-system-db-a'),
        toPath: sp('nixos-system-db-b'),
        changed: [{ name: 'linux', from: ['6.6.1', '6.6.1-modules'], to: ['6.6.2', '6.6.2-modules'] }],
        added: [],
        removed: [{ name: 'a|b_c', versions: [''] }],
        rebuilt: [],
        closure: { fromPaths: 5, toPaths: 5, fromBytes: 10 * 1024 * 1024, toBytes: 9 * 1024 * 1024, pathsAdded: 3, pathsRemoved: 3 },
        rebootRequired: true,
        rebootReasons: ['kernel: linux 6.6.1 → 6.6.2'],
      },
    ],
    unchanged: [],
  };

  it('prints text as nvd lays it out: aligned sections, the rebuilt count on one line, totals last', () => {
    expect(renderText(web)).toEqual([
      'prod: revision 1 → 2',
      '  web01, * (every host without its own target)',
      `    ${web.groups[0]!.fromPath}`,
      `    → ${web.groups[0]!.toPath}`,
      '    Version changes:',
      '      [U]  openssl  3.0.12 → 3.0.13',
      '    Added packages:',
      '      [A]  curl     8.1.0',
      '    2 package(s) rebuilt with the same version (etc, system-path)',
      '    No reboot needed (kernel, initrd and kernel modules unchanged).',
      '    Closure: 10 → 11 paths (+1: 4 added, 3 removed), 2.0 KiB → 3.5 KiB (+1.5 KiB)',
      '  db01',
      `    ${web.groups[1]!.fromPath}`,
      `    → ${web.groups[1]!.toPath}`,
      '    Version changes:',
      '      [U]  linux  6.6.1, 6.6.1-modules → 6.6.2, 6.6.2-modules',
      '    Removed packages:',
      '      [R]  a|b_c  <none>',
      '    Reboot required: kernel: linux 6.6.1 → 6.6.2',
      '    Closure: 5 → 5 paths (0: 3 added, 3 removed), 10.0 MiB → 9.0 MiB (-1.0 MiB)',
    ]);
  });

  it('renders Markdown: a summary line per channel and a table per group, with cells that cannot break the table', () => {
    const md = renderMarkdown(web);
    expect(md).toContain('**prod**: 2 group(s) change: 2 version change(s), 1 added, 1 removed; reboot required for db01');
    expect(md).toContain('| change | package | from | to |\n|---|---|---|---|\n| upgraded | `openssl` | `3.0.12` | `3.0.13` |\n| added | `curl` |  | `8.1.0` |');
    expect(md).toContain('| removed | `a\\|b_c` | `<none>` |  |');
    expect(md).toContain('**Reboot required**: kernel: linux 6.6.1 → 6.6.2');
    expect(md.match(/^#### /gm)).toHaveLength(2);
  });

  it('gives the JSON of DESIGN §14 with exactly its keys', () => {
    const j = toImpactJson(web);
    expect(impactReportSchema.parse(j)).toEqual(j);
    expect(Object.keys(j.groups[0]!)).toEqual(['hosts', 'fromPath', 'toPath', 'changed', 'added', 'removed', 'closure', 'rebootRequired', 'rebootReasons']);
    expect(j.groups[0]!.closure).toEqual({ fromPaths: 10, toPaths: 11, fromBytes: 2048, toBytes: 3584 });
  });

  it('formats bytes as nvd does', () => {
    expect([formatBytes(0), formatBytes(1023), formatBytes(1536), formatBytes(-3 * 1024 * 1024, true), formatBytes(5, true)]).toEqual(['0 B', '1023 B', '1.5 KiB', '-3.0 MiB', '+5 B']);
  });
});

import { compareVersions, parseNameVersion, sortVersions, storePathName } from './version.js';

/**
 * The closure diff of one transition, pure: two closures (every store path
 * with its NAR size) and the two systems' boot links in, the report of
 * DESIGN.md §14 out. Reading closures (caches, the local store) happens
 * before, behind core/closure-diff/source.ts.
 */

/** One store path of a closure, as a narinfo or `nix path-info` gives it. */
export interface ClosurePath {
  readonly path: string;
  readonly narSize: number;
}

/** The links of a NixOS system that decide whether it boots differently (DESIGN.md §13). */
export const BOOT_LINKS = ['kernel', 'initrd', 'kernel-modules'] as const;
export type BootLink = (typeof BOOT_LINKS)[number];

/** A system's boot links (absent: the system has no such link), or why they could not be read. */
export type BootLinks =
  | { readonly known: true; readonly links: Readonly<Partial<Record<BootLink, string>>> }
  | { readonly known: false; readonly why: string };

export interface PackageChange {
  readonly name: string;
  /** Versions before, oldest first; one entry per store path ("" for a path without a version). */
  readonly from: readonly string[];
  readonly to: readonly string[];
}

export interface PackageVersions {
  readonly name: string;
  readonly versions: readonly string[];
}

export interface ClosureTotals {
  readonly fromPaths: number;
  readonly toPaths: number;
  readonly fromBytes: number;
  readonly toBytes: number;
  /** Store paths only in the new closure / only in the old one. */
  readonly pathsAdded: number;
  readonly pathsRemoved: number;
}

export interface ClosureDiff {
  readonly changed: readonly PackageChange[];
  readonly added: readonly PackageVersions[];
  readonly removed: readonly PackageVersions[];
  /** Packages whose versions are the same but whose store paths are not (rebuilt: a dependency or the build changed). */
  readonly rebuilt: readonly string[];
  readonly closure: ClosureTotals;
  readonly rebootRequired: boolean;
  readonly rebootReasons: readonly string[];
}

interface Packages {
  readonly versions: string[];
  readonly paths: Set<string>;
}

function byName(closure: readonly ClosurePath[]): Map<string, Packages> {
  const out = new Map<string, Packages>();
  for (const p of closure) {
    const { name, version } = parseNameVersion(p.path);
    let e = out.get(name);
    if (!e) out.set(name, (e = { versions: [], paths: new Set() }));
    if (e.paths.has(p.path)) continue;
    e.paths.add(p.path);
    e.versions.push(version);
  }
  for (const e of out.values()) e.versions.splice(0, e.versions.length, ...sortVersions(e.versions));
  return out;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

function uniquePaths(closure: readonly ClosurePath[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const p of closure) m.set(p.path, p.narSize);
  return m;
}

/** Pure: closure totals (a path listed twice counts once). */
export function closureTotals(from: readonly ClosurePath[], to: readonly ClosurePath[]): ClosureTotals {
  const f = uniquePaths(from);
  const t = uniquePaths(to);
  const sum = (m: Map<string, number>): number => [...m.values()].reduce((n, s) => n + s, 0);
  return {
    fromPaths: f.size,
    toPaths: t.size,
    fromBytes: sum(f),
    toBytes: sum(t),
    pathsAdded: [...t.keys()].filter((p) => !f.has(p)).length,
    pathsRemoved: [...f.keys()].filter((p) => !t.has(p)).length,
  };
}

/** Pure: `linux 6.6.1 → 6.6.2` for two store paths (or files inside them). */
export function describeChange(fromTarget: string, toTarget: string): string {
  const a = parseNameVersion(fromTarget);
  const b = parseNameVersion(toTarget);
  const show = (v: string): string => v || '<none>';
  if (a.name !== b.name) return `${storePathName(fromTarget)} → ${storePathName(toTarget)}`;
  if (a.version !== b.version) return `${a.name} ${show(a.version)} → ${show(b.version)}`;
  return `${a.name} ${show(a.version)} rebuilt`;
}

/** Pure: whether moving from one system to the other needs a reboot, and why (one reason per boot link that changes). */
export function rebootNeeded(from: BootLinks, to: BootLinks, fromPath: string, toPath: string): { required: boolean; reasons: string[] } {
  if (fromPath === toPath) return { required: false, reasons: [] };
  if (!from.known || !to.known) {
    const why = !to.known ? to.why : (from as { why: string }).why;
    return { required: true, reasons: [`boot links unknown (${why}); assume a reboot`] };
  }
  const reasons: string[] = [];
  for (const link of BOOT_LINKS) {
    const a = from.links[link];
    const b = to.links[link];
    if (a === b) continue;
    if (a === undefined) reasons.push(`${link}: added ${describeOne(b!)}`);
    else if (b === undefined) reasons.push(`${link}: removed ${describeOne(a)}`);
    else reasons.push(`${link}: ${describeChange(a, b)}`);
  }
  return { required: reasons.length > 0, reasons };
}

function describeOne(target: string): string {
  const { name, version } = parseNameVersion(target);
  return version ? `${name} ${version}` : name;
}

/** Pure: the package-level diff of two closures plus totals and the reboot decision. */
export function diffClosures(input: {
  readonly fromPath: string;
  readonly toPath: string;
  readonly from: readonly ClosurePath[];
  readonly to: readonly ClosurePath[];
  readonly fromLinks: BootLinks;
  readonly toLinks: BootLinks;
}): ClosureDiff {
  const f = byName(input.from);
  const t = byName(input.to);
  const changed: PackageChange[] = [];
  const rebuilt: string[] = [];
  const added: PackageVersions[] = [];
  const removed: PackageVersions[] = [];
  for (const name of [...t.keys()].sort(byText)) {
    const b = t.get(name)!;
    const a = f.get(name);
    if (!a) added.push({ name, versions: b.versions });
    else if (!sameList(a.versions, b.versions)) changed.push({ name, from: a.versions, to: b.versions });
    else if (a.paths.size !== b.paths.size || [...a.paths].some((p) => !b.paths.has(p))) rebuilt.push(name);
  }
  for (const name of [...f.keys()].sort(byText)) if (!t.has(name)) removed.push({ name, versions: f.get(name)!.versions });
  const reboot = rebootNeeded(input.fromLinks, input.toLinks, input.fromPath, input.toPath);
  return {
    changed,
    added,
    removed,
    rebuilt,
    closure: closureTotals(input.from, input.to),
    rebootRequired: reboot.required,
    rebootReasons: reboot.reasons,
  };
}

/** Pure: nvd's mark for a version change: U (every new version newer), D (every one older), C (otherwise). */
export function changeKind(c: PackageChange): 'U' | 'D' | 'C' {
  const lastFrom = c.from[c.from.length - 1];
  const lastTo = c.to[c.to.length - 1];
  if (lastFrom !== undefined && c.to[0] !== undefined && compareVersions(lastFrom, c.to[0]) < 0) return 'U';
  if (c.from[0] !== undefined && lastTo !== undefined && compareVersions(c.from[0], lastTo) > 0) return 'D';
  return 'C';
}

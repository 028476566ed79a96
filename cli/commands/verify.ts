import { readFile } from 'node:fs/promises';
import { checkClosureCached } from '../repo/cache-check.js';
import { type ChannelsSnapshot, descendsFrom, readChannelsAt, readFileAt, resolveCommit } from '../../core/channels-repo.js';
import { CacheMissError, CacheUnreachableError, ConfigError, InvalidEnrollmentError, NoTrustPolicyError, type OgygiaError, OversizeError } from '../../core/errors/index.js';
import type { ChannelImpact } from '../../core/closure-diff/transitions.js';
import { toImpactJson } from '../../core/closure-diff/json.js';
import { renderText } from '../../core/closure-diff/render.js';
import { cachesFor, type ReportOutcome, trustedCacheKeys, tryChannelReport } from '../repo/closure-report.js';
import { checkRepository, type RepoCheck } from '../repo/check.js';
import { checkEnrollmentFile } from '../repo/enrollment-check.js';
import { ENROLLMENT_FILE, MAX_ENROLLMENT_BYTES, oversizeProblem } from '../../core/enrollment.js';
import { checkRepoRollouts, parseRepoPolicy } from '../repo/policy.js';
import { describeRollout, formatRollout } from '../../core/rollout.js';
import type { TrustConfig } from '../../core/trust.js';
import { type CommandIO, processIO } from '../io.js';

export interface VerifyOptions {
  repo: string;
  base?: string;
  head: string;
  trust?: string;
  json?: boolean;
  checkCache?: boolean;
  substituter?: string[];
  cache?: string[];
  trustedKey?: string[];
}

function toBytes(s: ChannelsSnapshot): { commit: string; files: Map<string, Uint8Array>; sizes: Map<string, number> } {
  return {
    commit: s.commit,
    files: new Map([...s.files].map(([k, v]) => [k, v.bytes])),
    // Files over the cap were not read (core/channels-repo.ts): their sizes, so they are refused as oversize.
    sizes: new Map([...s.files].filter(([, v]) => v.size !== v.bytes.byteLength).map(([k, v]) => [k, v.size])),
  };
}

async function readTrustFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw code === 'ENOENT'
      ? new ConfigError({ reason: 'missing', kind: 'trust-policy', file })
      : new ConfigError({ reason: 'unreadable', kind: 'trust-policy', file, cause: code ?? (e as Error).message });
  }
}

/** The trust policy: --trust FILE, else ogygia.toml at the base (a pull request cannot loosen its own policy), else at HEAD. */
async function loadPolicy(opts: VerifyOptions, headCommit: string, baseCommit?: string): Promise<{ policy: TrustConfig; from: string }> {
  if (opts.trust) return { policy: parseRepoPolicy(await readTrustFile(opts.trust), opts.trust), from: opts.trust };
  const ref = baseCommit ?? headCommit;
  const bytes = await readFileAt({ dir: opts.repo }, ref, 'ogygia.toml');
  if (!bytes) {
    throw new NoTrustPolicyError({ repo: opts.repo, ref: baseCommit ? (opts.base ?? baseCommit) : opts.head, isBase: baseCommit !== undefined });
  }
  const from = `ogygia.toml at ${baseCommit ? opts.base : opts.head}`;
  return { policy: parseRepoPolicy(Buffer.from(bytes).toString('utf8'), from), from };
}

/**
 * The rollout defaults of ogygia.toml at HEAD (what `ogygia publish` signs
 * into the next releases): each bad one is a problem, so a pull request
 * cannot merge a default that every later publish would refuse.
 */
async function checkRolloutDefaults(opts: VerifyOptions, headCommit: string): Promise<OgygiaError[]> {
  const bytes = await readFileAt({ dir: opts.repo }, headCommit, 'ogygia.toml');
  if (!bytes) return [];
  try {
    return checkRepoRollouts(Buffer.from(bytes).toString('utf8'), `ogygia.toml at ${opts.head}`);
  } catch (e) {
    if (e instanceof ConfigError) return [e];
    throw e;
  }
}

/** The store-path lines of one channel: what verify prints when no closure diff could be made. */
function impactLines(impact: readonly ChannelImpact[]): string[] {
  const out: string[] = [];
  for (const c of impact) {
    const changed = c.hosts.filter((h) => h.change !== 'unchanged').length;
    out.push(`  ${c.channel}: revision ${c.fromRevision ?? '(new channel)'} → ${c.toRevision}, ${changed} target(s) change, ${c.hosts.length - changed} unchanged`);
    const w = Math.max(...c.hosts.map((h) => h.host.length));
    for (const h of c.hosts) {
      const label = h.host.padEnd(w);
      const what =
        h.change === 'unchanged' ? `unchanged  ${h.after}` : h.change === 'added' ? `new        ${h.after}` : h.change === 'removed' ? `removed    ${h.before} (no longer targeted)` : `new path   ${h.before} → ${h.after}`;
      out.push(`    ${label}  ${what}${h.host === '*' ? '  (every host without its own target)' : ''}`);
    }
  }
  return out;
}

/** hosts.toml at a commit, undefined without one, or the InvalidEnrollmentError of one over its cap (never inflated). */
async function readEnrollmentText(dir: string, commit: string): Promise<string | InvalidEnrollmentError | undefined> {
  try {
    const bytes = await readFileAt({ dir }, commit, ENROLLMENT_FILE, MAX_ENROLLMENT_BYTES);
    return bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8');
  } catch (e) {
    if (e instanceof OversizeError && e.data.kind === 'channel-file') return new InvalidEnrollmentError({ file: ENROLLMENT_FILE, problems: [oversizeProblem(e.data.bytes)] });
    throw e;
  }
}

function problemLine(p: OgygiaError): string {
  return `${p.code}: ${p.message}`;
}

/** Check every channel at HEAD (and every transition from --base); print the impact. Exit 0 only when all holds. */
export async function verify(opts: VerifyOptions, io: CommandIO = processIO): Promise<number> {
  const repo = { dir: opts.repo };
  const headCommit = await resolveCommit(repo, opts.head);
  const baseCommit = opts.base ? await resolveCommit(repo, opts.base) : undefined;
  const { policy, from } = await loadPolicy(opts, headCommit, baseCommit);
  const head = await readChannelsAt(repo, headCommit);
  const base = baseCommit ? await readChannelsAt(repo, baseCommit) : undefined;
  const result: RepoCheck = checkRepository({
    head: toBytes(head),
    ...(base ? { base: toBytes(base), headDescendsFromBase: await descendsFrom(repo, headCommit, base.commit) } : {}),
    policy,
    now: new Date(),
  });
  const cacheProblems: OgygiaError[] = [];
  const cacheChecked: string[] = [];
  if (opts.checkCache) {
    const changed = base ? new Set(result.impact.map((i) => i.channel)) : new Set(head.files.keys());
    for (const c of result.channels) {
      if (!changed.has(c.channel) || !c.release) continue; // a file that did not parse is already a problem
      const paths = [...new Set(Object.values(c.release.targets).map((t) => t.storePath))];
      const subs = opts.substituter?.length ? opts.substituter : (c.release.substituters ?? []);
      try {
        cacheChecked.push(`${c.channel}: ${await checkClosureCached(paths, subs)} path(s) present`);
      } catch (e) {
        // A missing path and a cache that cannot be asked both fail the check, each with its own code.
        if (!(e instanceof CacheMissError || e instanceof CacheUnreachableError)) throw e;
        cacheProblems.push(e);
      }
    }
  }
  // The closure diff of each changed channel (DESIGN.md §14). Without a cache key or cache it is a note,
  // unless the operator asked for it (--cache, --trusted-key, or [cache] in the policy): then it must work.
  const diffs: Array<{ channel: string; outcome: ReportOutcome }> = [];
  if (base) {
    const keys = await trustedCacheKeys({ repo: opts.repo, ref: baseCommit!, ...(opts.trustedKey ? { trustedKey: opts.trustedKey } : {}), ...(opts.trust ? { trustFile: opts.trust } : {}) });
    const baseReleases = new Map(result.baseReleases.map((r) => [r.channel, r]));
    for (const impact of result.impact) {
      const after = result.channels.find((c) => c.channel === impact.channel)?.release;
      const caches = cachesFor(opts.cache?.length ? opts.cache : opts.substituter, after, baseReleases.get(impact.channel));
      const required = keys.length > 0 || Boolean(opts.cache?.length);
      diffs.push({ channel: impact.channel, outcome: await tryChannelReport(impact, { caches, trustedKeys: keys, required }) });
    }
  }
  const diffProblems = diffs.flatMap((d) => (d.outcome.kind === 'problem' ? [d.outcome.problem] : []));
  // hosts.toml at HEAD (DESIGN.md §11): it must parse, and targets that only look like an enrolled host are warned about.
  const changedChannels = base ? new Set(result.impact.map((i) => i.channel)) : undefined;
  const enrollment = checkEnrollmentFile(
    await readEnrollmentText(opts.repo, headCommit),
    result.channels.flatMap((c) => (c.release && (!changedChannels || changedChannels.has(c.channel)) ? [{ channel: c.channel, targets: Object.keys(c.release.targets) }] : [])),
  );
  const rolloutProblems = await checkRolloutDefaults(opts, headCommit);
  const ok = result.ok && cacheProblems.length === 0 && diffProblems.length === 0 && enrollment.problems.length === 0 && rolloutProblems.length === 0;
  if (opts.json) {
    const channels = result.channels.map(({ release, ...c }) => ({ ...c, rollout: release?.rollout ? { ...formatRollout(release.rollout), description: describeRollout(release.rollout) } : null }));
    const { baseReleases: _base, ...rest } = result;
    const diff = diffs.flatMap((d) => (d.outcome.kind === 'report' ? [toImpactJson(d.outcome.report)] : []));
    const notes = diffs.flatMap((d) => (d.outcome.kind === 'note' ? [`${d.channel}: ${d.outcome.note}`] : []));
    io.out(
      JSON.stringify(
        {
          ...rest,
          problems: [...rest.problems, ...enrollment.problems, ...rolloutProblems],
          channels,
          ok,
          policy: from,
          cache: { checked: cacheChecked, problems: cacheProblems },
          diff,
          diffNotes: notes,
          diffProblems,
          enrollment: enrollment.hosts === null ? null : { file: ENROLLMENT_FILE, hosts: enrollment.hosts },
          warnings: enrollment.warnings,
        },
        null,
        2,
      ),
    );
    return ok ? 0 : 1;
  }
  io.out(`verify: HEAD ${result.head.slice(0, 12)}${result.base ? ` against base ${result.base.slice(0, 12)}` : ''}; trust policy from ${from}`);
  for (const c of result.channels) {
    if (c.problems.length === 0) {
      io.out(`  ok    ${c.channel} revision ${c.revision} ${c.digest?.slice(0, 19)}… signed by ${c.signers.join(', ')}`);
    } else {
      io.out(`  FAIL  ${c.channel}${c.revision !== undefined ? ` revision ${c.revision}` : ''}`);
      for (const p of c.problems) io.out(`        ${problemLine(p)}`);
    }
    if (c.release?.rollout) io.out(`        rollout: ${describeRollout(c.release.rollout)}`);
  }
  for (const p of result.problems) io.out(`  FAIL  ${problemLine(p)}`);
  for (const line of cacheChecked) io.out(`  cache ${line}`);
  for (const p of cacheProblems) io.out(`  FAIL  ${problemLine(p)}`);
  for (const p of enrollment.problems) io.out(`  FAIL  ${problemLine(p)}`);
  for (const p of rolloutProblems) {
    io.out(`  FAIL  ${problemLine(p)}`);
    if (p instanceof ConfigError) for (const line of p.data.problems) io.out(`        ${line}`);
  }
  if (enrollment.hosts !== null && enrollment.problems.length === 0) io.out(`  ok    ${ENROLLMENT_FILE}: ${enrollment.hosts} host(s) enrolled`);
  for (const w of enrollment.warnings) io.out(`  warn  ${w.message}`);
  if (base) {
    io.out(result.impact.length ? 'impact:' : 'impact: no channel changes');
    for (const impact of result.impact) {
      const d = diffs.find((x) => x.channel === impact.channel)?.outcome;
      if (d?.kind === 'report') {
        for (const line of renderText(d.report, '  ')) io.out(line);
        continue;
      }
      for (const line of impactLines([impact])) io.out(line);
      if (d?.kind === 'note') io.out(`    closure diff: not made: ${d.note}`);
      if (d?.kind === 'problem') io.out(`  FAIL  ${problemLine(d.problem)}`);
    }
  }
  const count =
    result.channels.reduce((n, c) => n + c.problems.length, 0) + result.problems.length + cacheProblems.length + diffProblems.length + enrollment.problems.length + rolloutProblems.length;
  io.out(ok ? 'verify: all checks passed' : `verify: ${count} problem(s); nothing here may be merged until each is fixed`);
  return ok ? 0 : 1;
}

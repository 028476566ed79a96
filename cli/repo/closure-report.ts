import { readFile } from 'node:fs/promises';
import { readFileAt } from '../../core/channels-repo.js';
import { openClosureSource } from '../../core/closure-diff/open-source.js';
import { buildChannelReport, type ChannelReport } from '../../core/closure-diff/report.js';
import type { ChannelImpact } from '../../core/closure-diff/transitions.js';
import { NoCacheError, NoCacheKeyError, type OgygiaError, isOgygiaError } from '../../core/errors/index.js';
import { parsePublicKey, type PublicKey } from '../../core/keys.js';
import type { Release } from '../../core/release.js';
import { parseRepoCacheKeys } from './policy.js';
import { parseSubstituter } from '../options.js';

/** The operator's side of a closure diff: which caches and cache keys, and what to say when it cannot be made. */

/**
 * The cache keys a diff trusts: `--trusted-key` when given, else `[cache]
 * trusted_keys` of the trust policy (`--trust FILE`, else ogygia.toml at `ref`).
 */
export async function trustedCacheKeys(opts: { repo: string; ref: string; trustedKey?: readonly string[]; trustFile?: string }): Promise<PublicKey[]> {
  if (opts.trustedKey?.length) return opts.trustedKey.map((k) => parsePublicKey(k));
  if (opts.trustFile) return parseRepoCacheKeys(await readFile(opts.trustFile, 'utf8'), opts.trustFile);
  const bytes = await readFileAt({ dir: opts.repo }, opts.ref, 'ogygia.toml');
  return bytes ? parseRepoCacheKeys(Buffer.from(bytes).toString('utf8'), `ogygia.toml at ${opts.ref}`) : [];
}

/** The caches a diff reads: `--cache` when given, else the substituters the releases name (the newer one's first). */
export function cachesFor(given: readonly string[] | undefined, ...releases: ReadonlyArray<Release | undefined>): string[] {
  if (given?.length) return given.map((c) => parseSubstituter(c, '--cache'));
  return [...new Set(releases.flatMap((r) => r?.substituters ?? []))];
}

export type ReportOutcome =
  | { readonly kind: 'report'; readonly report: ChannelReport }
  /** No diff could be tried (no cache key, no cache) and the operator did not ask for one: a note, not a failure. */
  | { readonly kind: 'note'; readonly note: string }
  | { readonly kind: 'problem'; readonly problem: OgygiaError };

/** Build a channel's report; with `required` false, a missing cache or cache key is a note instead of a problem. */
export async function tryChannelReport(
  impact: ChannelImpact,
  opts: { caches: readonly string[]; trustedKeys: readonly PublicKey[]; required: boolean; env?: NodeJS.ProcessEnv },
): Promise<ReportOutcome> {
  try {
    const source = openClosureSource({ caches: opts.caches, trustedKeys: opts.trustedKeys, ...(opts.env ? { env: opts.env } : {}) });
    return { kind: 'report', report: await buildChannelReport(impact, source) };
  } catch (e) {
    if (!isOgygiaError(e)) throw e;
    if (!opts.required && (e instanceof NoCacheKeyError || e instanceof NoCacheError)) return { kind: 'note', note: e.message };
    return { kind: 'problem', problem: e };
  }
}

import { toImpactJson } from '../../core/closure-diff/json.js';
import { renderMarkdown, renderText } from '../../core/closure-diff/render.js';
import { computeImpact } from '../../core/closure-diff/transitions.js';
import { RevisionNotFoundError, UsageError } from '../../core/errors/index.js';
import { assertChannelName, type Release } from '../../core/release.js';
import { cachesFor, trustedCacheKeys, tryChannelReport } from '../repo/closure-report.js';
import { loadHistory } from '../repo/history.js';
import { type CommandIO, processIO } from '../io.js';

export interface DiffOptions {
  repo: string;
  channel: string;
  ref: string;
  from?: string;
  to?: string;
  cache?: string[];
  trustedKey?: string[];
  json?: boolean;
  markdown?: boolean;
}

function revisionArg(value: string | undefined, flag: '--from' | '--to'): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]{0,15}$/.test(value)) throw new UsageError({ reason: 'invalid', option: flag, value });
  return Number(value);
}

/** Print what a channel's release changes per group of hosts: packages, closure size, reboot (DESIGN.md §14). */
export async function diff(opts: DiffOptions, io: CommandIO = processIO): Promise<number> {
  const channel = assertChannelName(opts.channel);
  if (opts.json && opts.markdown) throw new UsageError({ reason: 'exclusive', options: ['--json', '--markdown'] });
  const fromRev = revisionArg(opts.from, '--from');
  const toRev = revisionArg(opts.to, '--to');
  const releases = (await loadHistory(opts.repo, opts.ref, channel)).flatMap((e) => (e.release ? [e.release] : []));
  const find = (rev: number, flag: string): Release => {
    const r = releases.find((x) => x.revision === rev);
    if (!r) {
      throw new RevisionNotFoundError({ channel, revision: rev, repo: opts.repo, ref: opts.ref, flag });
    }
    return r;
  };
  const to = toRev !== undefined ? find(toRev, '--to') : releases[0]!;
  const from = fromRev !== undefined ? find(fromRev, '--from') : releases.find((r) => r.revision < to.revision);
  const outcome = await tryChannelReport(computeImpact(from, to), {
    caches: cachesFor(opts.cache, to, from),
    trustedKeys: await trustedCacheKeys({ repo: opts.repo, ref: opts.ref, ...(opts.trustedKey ? { trustedKey: opts.trustedKey } : {}) }),
    required: true,
  });
  if (outcome.kind !== 'report') throw outcome.kind === 'problem' ? outcome.problem : new Error(outcome.note);
  if (opts.json) io.out(JSON.stringify(toImpactJson(outcome.report), null, 2));
  else if (opts.markdown) io.out(renderMarkdown(outcome.report));
  else for (const line of renderText(outcome.report)) io.out(line);
  return 0;
}

import { loadHistory } from '../repo/history.js';
import { assertChannelName } from '../../core/release.js';
import { type CommandIO, processIO } from '../io.js';
import { alignColumns } from '../../core/columns.js';
import { describeRollout } from '../../core/rollout.js';

export interface HistoryOptions {
  repo: string;
  channel: string;
  ref: string;
  limit?: string;
  json?: boolean;
}

/** Print the releases of a channel from git history, newest first. */
export async function history(opts: HistoryOptions, io: CommandIO = processIO): Promise<number> {
  const channel = assertChannelName(opts.channel);
  const limit = opts.limit === undefined ? undefined : Math.max(1, parseInt(opts.limit, 10) || 1);
  const entries = await loadHistory(opts.repo, opts.ref, channel, limit);
  if (opts.json) {
    io.out(JSON.stringify({ channel, releases: entries }, null, 2));
    return 0;
  }
  const rows = entries.map((e) => [
    e.revision === undefined ? '?' : String(e.revision),
    e.release?.issuedAt ?? e.committedAt.replace(/\.\d{3}Z$/, 'Z'),
    e.commit.slice(0, 12),
    e.digest ? e.digest.slice(0, 19) : `invalid: ${e.error?.code}`,
    e.signers.join(',') || '-',
    e.release?.rollout ? describeRollout(e.release.rollout) : '-',
    e.release ? Object.entries(e.release.targets).map(([h, t]) => `${h}=${t.storePath}`).join(' ') : (e.error?.message ?? ''),
  ]);
  for (const line of alignColumns([['REV', 'ISSUED', 'COMMIT', 'DIGEST', 'SIGNERS', 'ROLLOUT', 'TARGETS'], ...rows]).lines) io.out(line);
  return 0;
}

import { ensureRepo, requireWorkingChannel } from '../repo/worktree.js';
import { RevisionNotFoundError, UsageError } from '../../core/errors/index.js';
import { loadHistory } from '../repo/history.js';
import { nextRelease, parseExpiry } from '../repo/publish.js';
import { writeRelease } from '../repo/write-release.js';
import { assertChannelName } from '../../core/release.js';
import { type CommandIO, processIO } from '../io.js';

export interface RollbackOptions {
  repo: string;
  channel: string;
  to: string;
  key: string;
  expires?: string;
  commit: boolean;
  push?: boolean;
  remote: string;
}

/** A rollback is a new release (next revision) whose targets are those of an older one. */
export async function rollback(opts: RollbackOptions, io: CommandIO = processIO): Promise<number> {
  const channel = assertChannelName(opts.channel);
  const to = Number(opts.to);
  if (!Number.isSafeInteger(to) || to < 1) throw new UsageError({ reason: 'invalid', option: '--to', value: opts.to });
  await ensureRepo(opts.repo);
  const current = await requireWorkingChannel(opts.repo, channel);
  const old = (await loadHistory(opts.repo, 'HEAD', channel)).find((e) => e.revision === to && e.release);
  if (!old?.release || to >= current.doc.release.revision) {
    throw new RevisionNotFoundError({ channel, to, current: current.doc.release.revision });
  }
  const now = new Date();
  const release = nextRelease(current, {
    channel,
    targets: Object.fromEntries(Object.entries(old.release.targets).map(([h, t]) => [h, t.storePath])),
    sourceRevision: old.release.source.revision,
    issuedAt: now,
    ...(old.release.substituters ? { substituters: old.release.substituters } : {}),
    ...(opts.expires ? { expiresAt: parseExpiry(opts.expires, now) } : {}),
  });
  await writeRelease(opts, release, opts.key, `${channel}: release ${release.revision} rolls back to revision ${to}`, io);
  return 0;
}

import { ensureRepo, readWorkingChannel } from '../repo/worktree.js';
import { nextRelease, parseExpiry, type PublishRequest } from '../repo/publish.js';
import { writeRelease } from '../repo/write-release.js';
import { assertChannelName, type Release } from '../../core/release.js';
import { type CommandIO, processIO } from '../io.js';
import { parseSourceRevision, parseSubstituter, parseTargets } from '../options.js';

export interface PublishOptions {
  repo: string;
  channel: string;
  key: string;
  storePath?: string;
  target?: string[];
  sourceRevision: string;
  substituter?: string[];
  expires?: string;
  commit: boolean; // --no-commit sets false
  push?: boolean;
  remote: string;
  message?: string;
}

export function describeTargets(release: Release): string {
  return Object.keys(release.targets).join(', ');
}

export async function publish(opts: PublishOptions, io: CommandIO = processIO): Promise<number> {
  const channel = assertChannelName(opts.channel);
  const targets = parseTargets(opts.storePath, opts.target);
  const now = new Date();
  const req: PublishRequest = {
    channel,
    targets,
    sourceRevision: parseSourceRevision(opts.sourceRevision),
    issuedAt: now,
    ...(opts.substituter?.length ? { substituters: opts.substituter.map((s) => parseSubstituter(s)) } : {}),
    ...(opts.expires ? { expiresAt: parseExpiry(opts.expires, now) } : {}),
  };
  if (await ensureRepo(opts.repo)) io.err(`publish: initialised a git repository in ${opts.repo} (branch main)`);
  const current = await readWorkingChannel(opts.repo, channel);
  const release = nextRelease(current, req);
  await writeRelease(opts, release, opts.key, opts.message ?? `${channel}: release ${release.revision} (${describeTargets(release)})`, io);
  return 0;
}

import { ensureRepo, POLICY_FILE, readWorkingChannel, readWorkingRolloutDefault } from '../repo/worktree.js';
import { rolloutDefaultPlace } from '../repo/policy.js';
import { describeRollout, type Rollout } from '../../core/rollout.js';
import { type RolloutChoice, rolloutFromFlags } from '../rollout-flags.js';
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
  wave?: string[];
  maxFailures?: string;
  rollout?: boolean; // --no-rollout sets false
}

export function describeTargets(release: Release): string {
  return Object.keys(release.targets).join(', ');
}

export async function publish(opts: PublishOptions, io: CommandIO = processIO): Promise<number> {
  const channel = assertChannelName(opts.channel);
  const targets = parseTargets(opts.storePath, opts.target);
  // Flags are checked before anything is written (a repository initialised, a file read).
  const choice = rolloutFromFlags(opts);
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
  const staged = await rolloutFor(choice, opts.repo, channel);
  const release = nextRelease(current, staged ? { ...req, rollout: staged.rollout } : req);
  await writeRelease(opts, release, opts.key, opts.message ?? `${channel}: release ${release.revision} (${describeTargets(release)})`, io);
  io.out(staged ? `publish: rollout ${describeRollout(staged.rollout)} (from ${staged.from})` : 'publish: no rollout: every targeted host may take this release at once');
  return 0;
}

/** The rollout to sign and where it came from: the --wave flags, the channel's default in the work tree's ogygia.toml, or none. */
async function rolloutFor(choice: RolloutChoice, repo: string, channel: string): Promise<{ rollout: Rollout; from: string } | undefined> {
  if (choice.kind === 'flags') return { rollout: choice.rollout, from: '--wave flags' };
  if (choice.kind === 'none') return undefined;
  const rollout = await readWorkingRolloutDefault(repo, channel);
  return rollout && { rollout, from: rolloutDefaultPlace(POLICY_FILE, channel) };
}

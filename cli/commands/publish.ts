import type { Command } from 'commander';
import { ensureRepo, POLICY_FILE, readWorkingChannel, readWorkingRolloutDefault } from '../repo/worktree.js';
import { rolloutDefaultPlace } from '../repo/policy.js';
import { describeRollout, type Rollout } from '../../core/rollout.js';
import { type RolloutChoice, rolloutFromFlags } from '../rollout-flags.js';
import { nextRelease, parseExpiry, type PublishRequest } from '../repo/publish.js';
import { writeRelease } from '../repo/write-release.js';
import { assertChannelName, type Release } from '../../core/release.js';
import { type CommandIO, processIO, type SetExit } from '../io.js';
import { collect, parseSourceRevision, parseSubstituter, parseTargets } from '../options.js';

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

export function registerPublish(program: Command, setExit: SetExit): void {
  program
    .command('publish')
    .description('sign the next release of a channel and commit channels/<channel>.json')
    .option('--repo <dir>', 'channels repository work tree (initialised when empty)', '.')
    .requiredOption('--channel <name>', 'channel, e.g. prod')
    .requiredOption('--key <file>', 'secret signing key (ogygia keygen or nix key generate-secret)')
    .option('--store-path <path>', 'system closure for every host (the "*" target)')
    .option('--target <host=path>', 'system closure for one host (repeatable; "*" for the default)', collect)
    .requiredOption('--source-revision <sha>', 'git commit of the NixOS configuration it was built from')
    .option('--substituter <url>', 'binary cache hosts fetch from (repeatable; default: the previous release\'s)', collect)
    .option('--expires <when>', 'expiry: a duration (90d, 12h, 2w) or an RFC 3339 time')
    .option(
      '--wave <spec>',
      'a staged-rollout wave, repeatable, in order: HOSTS[:SOAK], PERCENT%[:SOAK] or HOSTS,PERCENT%[:SOAK] ' +
        '(cumulative; SOAK in seconds or 10m, 1h; the last wave takes every remaining host), e.g. --wave web01:600 --wave 25%:30m --wave 100%. ' +
        'Default: [channels.<name>.rollout] in the repository\'s ogygia.toml, else none (every host at once)',
      collect,
    )
    .option('--max-failures <n>', 'with --wave: failed or rolled-back hosts the rollout tolerates before it halts (default 0: the first failure halts it)')
    .option('--no-rollout', "publish without a rollout, even when ogygia.toml has a default for the channel")
    .option('--no-commit', 'only write the file; do not commit')
    .option('--push', 'push the branch after committing (git CLI)')
    .option('--remote <name>', 'remote for --push', 'origin')
    .option('--message <text>', 'commit message')
    .action(async (opts: PublishOptions) => setExit(await publish(opts)));
}

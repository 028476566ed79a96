import type { Command } from 'commander';
import type { SetExit } from './io.js';
import { collect, DEFAULT_RECONCILER_URL, IRISD_DEFAULT_CONFIG } from './option-values.js';
import type { KeygenOptions } from './commands/keygen.js';
import type { PublishOptions } from './commands/publish.js';
import type { ApproveOptions } from './commands/approve.js';
import type { EnrollOptions } from './commands/enroll.js';
import type { VerifyOptions } from './commands/verify.js';
import type { DiffOptions } from './commands/diff.js';
import type { HistoryOptions } from './commands/history.js';
import type { RollbackOptions } from './commands/rollback.js';
import type { StatusOptions } from './commands/status.js';
import type { RolloutStatusOptions } from './commands/rollout.js';
import type { ReconcilerOptions } from './commands/reconciler.js';
import type { IrisdOptions } from './commands/irisd.js';
import type { IrisClientOptions, IrisPushOptions } from './commands/iris.js';
import type { AgentCommandOptions } from './commands/agent.js';

/**
 * Every `ogygia` subcommand with its options and help, one implementation file
 * each under cli/commands/. Declaring a command loads nothing of it: its module
 * (and everything that module needs: git, Nix, etcd or ZooKeeper clients,
 * fastify) is imported only when that command runs, so `ogygia --help` and each
 * command start with their own modules only. Add new commands here.
 */
export function registerCommands(program: Command, setExit: SetExit): void {
  // ogygia keygen
  program
    .command('keygen')
    .description('create a release signing key (Nix key format) and print its public key')
    .requiredOption('--name <name>', 'key name, e.g. ops-1 (shown in signatures)')
    .requiredOption('--out <file>', 'where to write the secret key (mode 0600)')
    .option('--force', 'overwrite an existing key file')
    .action(async (opts: KeygenOptions) => setExit(await (await import('./commands/keygen.js')).keygen(opts)));

  // ogygia publish
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
    .action(async (opts: PublishOptions) => setExit(await (await import('./commands/publish.js')).publish(opts)));

  // ogygia approve
  program
    .command('approve')
    .description('add your signature to the current release of a channel (on the pull-request branch)')
    .option('--repo <dir>', 'channels repository work tree', '.')
    .requiredOption('--channel <name>', 'channel to approve')
    .requiredOption('--key <file>', 'your secret signing key')
    .option('--no-commit', 'only write the file; do not commit')
    .option('--push', 'push the branch after committing (git CLI)')
    .option('--remote <name>', 'remote for --push', 'origin')
    .action(async (opts: ApproveOptions) => setExit(await (await import('./commands/approve.js')).approve(opts)));

  // ogygia enroll
  program
    .command('enroll')
    .description("add or update a host's SSH ed25519 host key in hosts.toml (signed reports) and commit it")
    .option('--repo <dir>', 'channels repository work tree (initialised when empty)', '.')
    .requiredOption('--host <name>', 'the host, named as its agent names itself (host in agent.toml)')
    .requiredOption('--key-file <file>', 'its /etc/ssh/ssh_host_ed25519_key.pub, `ssh-keyscan -t ed25519 HOST` output, or a Nix public key NAME:BASE64; - reads standard input')
    .option('--no-commit', 'only write hosts.toml; do not commit')
    .option('--push', 'push the branch after committing (git CLI)')
    .option('--remote <name>', 'remote for --push', 'origin')
    .option('--message <text>', 'commit message')
    .action(async (opts: EnrollOptions) => setExit(await (await import('./commands/enroll.js')).enroll(opts)));

  // ogygia verify
  program
    .command('verify')
    .description('check every channel at HEAD (and every transition from --base); with --base, print what each changed channel does to its hosts: the closure diff per group (packages, size, reboot) when closures can be read, else the store paths')
    .option('--repo <dir>', 'channels repository', '.')
    .option('--base <ref>', 'the branch a pull request targets, e.g. main: check revision +1, previous, no deletes or rewinds')
    .option('--head <ref>', 'the commit to check', 'HEAD')
    .option('--trust <file>', 'trust policy TOML (default: ogygia.toml at --base, else at HEAD)')
    .option('--check-cache', "also check each new store path's closure is in its substituters")
    .option('--substituter <url>', 'substituter for --check-cache (repeatable; default: the release\'s)', collect)
    .option('--cache <url>', 'binary cache the closure diff reads, file:// or http(s):// (repeatable; default: --substituter, else the releases\')', collect)
    .option('--trusted-key <key>', 'cache public key NAME:BASE64 whose narinfo signatures the closure diff believes (repeatable; default: [cache] trusted_keys of the trust policy)', collect)
    .option('--json', 'machine-readable output')
    .action(async (opts: VerifyOptions) => setExit(await (await import('./commands/verify.js')).verify(opts)));

  // ogygia diff
  program
    .command('diff')
    .description(
      "show what a channel's release changes, per group of hosts with the same transition: package versions (as nvd), " +
        'packages added and removed, closure size, and whether a reboot is needed; read from binary-cache narinfos, or the local store',
    )
    .option('--repo <dir>', 'channels repository', '.')
    .requiredOption('--channel <name>', 'channel')
    .option('--ref <ref>', 'branch or commit whose history holds the revisions', 'HEAD')
    .option('--from <rev>', 'the revision before (default: the one before --to)')
    .option('--to <rev>', 'the revision after (default: the newest)')
    .option('--cache <url>', "binary cache to read, file:// or http(s):// (repeatable; default: the releases' substituters)", collect)
    .option('--trusted-key <key>', 'cache public key NAME:BASE64 whose narinfo signatures count (repeatable; default: [cache] trusted_keys of ogygia.toml at --ref)', collect)
    .option('--json', 'the report as JSON (DESIGN.md §14)')
    .option('--markdown', 'the report as Markdown, for a pull-request comment')
    .action(async (opts: DiffOptions) => setExit(await (await import('./commands/diff.js')).diff(opts)));

  // ogygia history
  program
    .command('history')
    .description('list the releases of a channel from git history, newest first, with their staged rollout (- when none)')
    .option('--repo <dir>', 'channels repository', '.')
    .requiredOption('--channel <name>', 'channel')
    .option('--ref <ref>', 'branch or commit to read', 'HEAD')
    .option('--limit <n>', 'show at most n releases')
    .option('--json', 'machine-readable output')
    .action(async (opts: HistoryOptions) => setExit(await (await import('./commands/history.js')).history(opts)));

  // ogygia rollback
  program
    .command('rollback')
    .description('publish a new release whose targets are those of an older revision')
    .option('--repo <dir>', 'channels repository work tree', '.')
    .requiredOption('--channel <name>', 'channel')
    .requiredOption('--to <revision>', 'the earlier revision whose targets to restore')
    .requiredOption('--key <file>', 'secret signing key')
    .option('--expires <when>', 'expiry: a duration (90d, 12h) or an RFC 3339 time')
    .option('--no-commit', 'only write the file; do not commit')
    .option('--push', 'push the branch after committing (git CLI)')
    .option('--remote <name>', 'remote for --push', 'origin')
    .action(async (opts: RollbackOptions) => setExit(await (await import('./commands/rollback.js')).rollback(opts)));

  // ogygia rollout status
  const rollout = program.command('rollout').description("staged rollouts: where each channel's release stands in its waves");
  rollout
    .command('status')
    .description(
      "show each channel's staged rollout from the reconciler's /v1/channels: state, wave k/n, hosts in the open waves, hosts in-sync, " +
        'failures/tolerated, when the next wave opens, why a rollout halted. ' +
        'Exit status: 0 read and nothing halted, 3 a shown rollout is halted, 1 the reconciler could not be read, 2 wrong usage',
    )
    .option('--channel <name>', 'only this channel')
    .option('--reconciler <url>', `reconciler base URL (default: [ogygia.reconciler] url of the status config.toml, else ${DEFAULT_RECONCILER_URL})`)
    .option('--json', 'print the channels and their rollout progress as JSON (same exit status)')
    .action(async (opts: RolloutStatusOptions) => setExit(await (await import('./commands/rollout.js')).rolloutStatus(opts)));

  // ogygia status
  program
    .command('status')
    .description('show the current, booted and next-boot revision of this host and the fleet (etcd, ZooKeeper or the reconciler)')
    .option('--json', 'print the same data as JSON')
    .option('--wide', "add the agent's channel, revision, state and last-seen columns")
    .option('--check-config <file>', 'validate a status config.toml and exit (used by the NixOS module at build time)')
    .action(async (opts: StatusOptions) => setExit(await (await import('./commands/status.js')).status(opts)));

  // ogygia report
  program
    .command('report')
    .description("publish this host's current, booted and next-boot revisions to the configured etcd or ZooKeeper")
    .action(async () => setExit(await (await import('./commands/report.js')).report()));

  // ogygia reconciler
  program
    .command('reconciler')
    .description('mirror the channels repository and serve channel heads, reports and the fleet dashboard')
    .option('--config <file>', 'reconciler.toml to run with')
    .option('--check-config <file>', 'validate reconciler.toml and exit')
    .action(async (opts: ReconcilerOptions) => setExit(await (await import('./commands/reconciler.js')).reconciler(opts)));

  // ogygia irisd
  program
    .command('irisd')
    .description('run irisd, the peer-to-peer Nix binary cache (also installed as ogygia-irisd)')
    .option('--config <file>', 'irisd.toml to run with')
    .option('--check-config <file>', 'validate irisd.toml and exit without starting')
    .action(async (opts: IrisdOptions) => setExit(await (await import('./commands/irisd.js')).irisd(opts)));

  // ogygia iris
  const iris = program.command('iris').description('talk to the local irisd (peer-to-peer Nix cache)');
  const common = (c: Command): Command =>
    c.option('--config <file>', `irisd.toml to read the address, key and store from (default ${IRISD_DEFAULT_CONFIG})`).option('--url <url>', 'irisd URL (default: from the config, else http://127.0.0.1:35742)');
  common(
    iris
      .command('push')
      .description('sign (optionally) and index store paths now, so peers see them at their next filter refresh')
      .argument('<paths...>', 'store paths')
      .option('--sign', 'sign the paths with signing.key_file (nix store sign) first')
      .option('--key-file <file>', 'Nix secret key to sign with (overrides signing.key_file)')
      .option('--store-root <dir>', 'store root to sign in (overrides store.root)'),
  ).action(async (paths: string[], opts: IrisPushOptions) => setExit(await (await import('./commands/iris.js')).irisPush(paths, opts)));
  common(
    iris
      .command('providers')
      .description('list which peers hold a store path')
      .argument('<hash>', 'store path hash (or the store path)')
      .option('--json', 'print JSON'),
  ).action(async (hash: string, opts: IrisClientOptions & { json?: boolean }) => setExit(await (await import('./commands/iris.js')).irisProviders(hash, opts)));

  // ogygia agent
  program
    .command('agent')
    .description('run the host agent: pull the channel head, verify it, apply it with Nix, health-check, roll back, report')
    .option('--config <file>', 'agent.toml')
    .option('--check-config <file>', 'validate an agent.toml and exit')
    .option('--once', 'poll once and exit with a status saying what happened (see docs/agent.md)')
    .option('--dry-run', 'verify and plan without touching the system')
    .action(async (opts: AgentCommandOptions) => setExit(await (await import('./commands/agent.js')).agent(opts)));
}

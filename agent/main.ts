import { join } from 'node:path';
import { systemRoot, underRoot } from '../core/paths.js';
import { detectHostname } from '../core/hostname.js';
import { createLogger, type Logger } from '../core/log.js';
import { ConfigError } from '../core/errors/index.js';
import { openFleetStore } from '../core/fleet/open-store.js';
import { etcdStoreConfig, zookeeperStoreConfig } from '../core/fleet/store-config.js';
import { policyFor } from '../core/trust.js';
import { hostKeyFile, rebootWindow, reportBaseUrl, type AgentConfig } from './config.js';
import { createNixExecutor, systemdRunning, useSystemdUnits } from './executor/nix.js';
import { createHealthCheck, defaultHealthCommand } from './health.js';
import { heartbeatAfter } from './heartbeat.js';
import { Manager } from './manager.js';
import { onceOutcome, type PollResult } from './outcome.js';
import { nextPause } from './pause.js';
import { createSlotClient } from './reboot/slot-client.js';
import { createRebootSystem } from './reboot/system.js';
import { createFleetPublisher, type FleetPublisher } from './report/fleet.js';
import { loadHostKey } from './report/host-key.js';
import { createHttpReporter, nullReporter, type Reporter } from './report/http.js';
import { createSeqStore } from './report/seq.js';
import { createGitSource } from './sources/git.js';
import { createHttpSource } from './sources/http.js';
import type { Source } from './sources/types.js';
import { createStateStore } from './state.js';

export const AGENT_VERSION = process.env.npm_package_version ?? '0.1.0';

export interface AgentOptions {
  readonly once: boolean;
  readonly dryRun: boolean;
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: Logger;
  /** Stops the loop (SIGTERM); the current step finishes first, a long-poll is cut short. */
  readonly signal?: AbortSignal;
}

/** The only wiring: real source, executor, health check, state store and reporters around the Manager. */
export async function runAgent(config: AgentConfig, opts: AgentOptions): Promise<PollResult> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? createLogger('agent');
  const root = systemRoot(env);
  const f = config.file;
  const host = config.host ?? (await detectHostname(env));
  const stateDir = f.state_dir;
  const source: Source =
    config.source.kind === 'reconciler'
      ? createHttpSource(config.source.url, config.channel, { host })
      : config.source.kind === 'git-remote'
        ? createGitSource({ kind: 'git-remote', url: config.source.url, mirrorDir: join(stateDir, 'channels.git') }, config.channel, f.branch)
        : createGitSource({ kind: 'git-local', path: config.source.path }, config.channel, f.branch);
  const executor = createNixExecutor({
    root,
    profile: f.nix.profile,
    action: f.nix.action,
    copyTimeoutMs: f.nix.copy_timeout_seconds * 1000,
    stalledDownloadTimeoutSeconds: f.nix.stalled_download_timeout_seconds,
    profileTimeoutMs: f.nix.profile_timeout_seconds * 1000,
    switchTimeoutMs: f.nix.switch_timeout_seconds * 1000,
    systemdRun: f.nix.systemd_run,
    logDir: stateDir,
    env,
    log,
  });
  const healthCommand = f.health.command ?? defaultHealthCommand(root === '/' && systemdRunning());
  const systemdScope = useSystemdUnits(f.nix.systemd_run, root);
  const health = createHealthCheck(healthCommand, { timeoutMs: f.health.timeout_seconds * 1000, root, env, systemdScope });
  const base = reportBaseUrl(config);
  // Reports to a reconciler are signed with the host key and numbered (DESIGN.md §11); read the key now, so a bad one stops the agent here.
  const keyFile = hostKeyFile(f);
  const hostKey = base && !opts.dryRun ? await loadHostKey(underRoot(root, keyFile.file), keyFile.explicit, log) : undefined;
  // One counter for reports and reboot-slot requests: the reconciler sees one growing `seq` per host.
  const seq = createSeqStore(stateDir, log);
  const reporter: Reporter = base
    ? createHttpReporter({
        baseUrl: base,
        host,
        timeoutMs: f.report.timeout_seconds * 1000,
        log,
        seq,
        ...(hostKey ? { hostKey } : {}),
        ...(f.report.token_file ? { tokenFile: f.report.token_file } : {}),
      })
    : nullReporter;
  let fleet: FleetPublisher | undefined;
  const fleetSection = f.etcd ? { kind: 'etcd' as const, s: f.etcd } : f.zookeeper && f.zookeeper.enable ? { kind: 'zookeeper' as const, s: f.zookeeper } : undefined;
  if (fleetSection && !opts.dryRun) {
    // core/fleet loads the etcd or ZooKeeper client only for the kind configured.
    try {
      const store = await openFleetStore(
        fleetSection.kind,
        fleetSection.kind === 'etcd' ? etcdStoreConfig(fleetSection.s, 'etcd') : zookeeperStoreConfig(fleetSection.s, 'zookeeper'),
      );
      fleet = createFleetPublisher(store, host, log);
    } catch (e) {
      // A credential file that is missing or unreadable is a config error: stop, as for any bad setting.
      if (e instanceof ConfigError) throw e;
      log.warn(`cannot open ${fleetSection.kind} (${(e as Error).message}); continuing without it`);
    }
  }
  // DESIGN.md §13: a reconciler source hands out reboot slots; a git source spreads reboots over the window itself.
  const slots =
    config.source.kind === 'reconciler'
      ? createSlotClient({
          baseUrl: config.source.url,
          host,
          timeoutMs: f.report.timeout_seconds * 1000,
          seq,
          ...(hostKey ? { hostKey } : {}),
          ...(f.report.token_file ? { tokenFile: f.report.token_file } : {}),
        })
      : undefined;
  const reboot = {
    policy: f.reboot.policy,
    window: rebootWindow(f),
    system: createRebootSystem({ root, command: f.reboot.command, timeoutMs: f.reboot.timeout_seconds * 1000, env }),
    ...(slots ? { slots } : {}),
  };
  const manager = new Manager({
    host,
    channel: config.channel,
    policy: policyFor(config.trust, config.channel),
    root,
    action: f.nix.action,
    substituters: f.nix.substituters,
    source,
    executor,
    health,
    store: createStateStore(stateDir),
    publish: (r) => {
      if (opts.dryRun) return;
      reporter.submit(r);
      fleet?.submit(r);
    },
    log,
    agentVersion: AGENT_VERSION,
    dryRun: opts.dryRun,
    reboot,
  });
  log.info(`starting for host ${host}, channel ${config.channel}, source ${f.source}${opts.dryRun ? ' (dry run)' : ''}`);
  let last: PollResult = { outcome: 'unchanged' };
  try {
    const recovered = await manager.start();
    if (recovered) last = recovered;
    if (opts.once) {
      last = onceOutcome(recovered, await manager.pollOnce(0));
      return last;
    }
    const waitSeconds = config.source.kind === 'reconciler' ? f.wait_seconds : 0;
    const pollIntervalMs = f.poll_interval_seconds * 1000;
    let errorStreak = 0;
    let lastBeat = Date.now();
    while (!opts.signal?.aborted) {
      const t0 = Date.now();
      const r = await manager.pollOnce(waitSeconds, opts.signal);
      last = r;
      const beat = heartbeatAfter(r.outcome, Date.now() - lastBeat, pollIntervalMs);
      if (beat === 'send') await manager.heartbeat();
      if (beat !== 'wait') lastBeat = Date.now();
      if (opts.signal?.aborted) break;
      const pause = nextPause({ outcome: r.outcome, errorStreak, pollIntervalMs, waitSeconds, elapsedMs: Date.now() - t0, jitter: Math.random() });
      errorStreak = pause.errorStreak;
      await sleep(pause.ms, opts.signal);
    }
    log.info('stopping');
    return last;
  } finally {
    await reporter.flush(opts.once ? 5000 : 2000);
    reporter.close();
    if (fleet) {
      await fleet.flush(opts.once ? 5000 : 2000);
      await fleet.close();
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

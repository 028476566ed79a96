import { createDeliveryLog } from './webhook-deliveries.js';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { splitListen } from '../core/config-schema.js';
import { readNamedFile } from '../core/config-file.js';
import { ConfigError, FleetStoreAuthError, FleetStorePermissionError } from '../core/errors/index.js';
import { readEtcdSecrets } from '../core/fleet/credentials.js';
import { withDeadline } from '../core/fleet/deadline.js';
import { etcdStoreConfig } from '../core/fleet/store-config.js';
import type { FleetStoreConfig } from '../core/fleet/types.js';
import { createLogger, type Logger } from '../core/log.js';
import type { ReconcilerConfig } from './config.js';
import type { ServerContext } from './context.js';
import { createEnrollmentTracker } from './enrollment.js';
import { countByState, hostsView, servedBy } from './hosts-view.js';
import { createMetrics } from './metrics.js';
import { loadCredentials } from './mirror/credentials.js';
import { readChain, readHistory, readPreviousHead, readReleaseByDigest } from './mirror/history.js';
import { createImpactReports } from './impact.js';
import { fetchLocal } from './mirror/local.js';
import { fetchRemote } from './mirror/remote.js';
import { ensureMirror, mirrorGitdir, mirrorRoot } from './mirror/repo.js';
import { watchLocalRefs } from './mirror/watch.js';
import { openMemoryStore } from './reports/memory-store.js';
import type { ReportStore } from './reports/store.js';
import { openMemorySlots, type RebootSlotStore } from './reboot-slots/store.js';
import { buildServer } from './server.js';
import { loadServedState, saveServedState } from './served-store.js';
import { createSyncer, type Syncer } from './syncer.js';
import { createWaiters } from './waiters.js';
import { createRolloutManager } from './rollout/manager.js';
import { openFileRolloutStore, type RolloutStore } from './rollout/store.js';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';

/** A running reconciler: the one place where mirror, head selection, server and stores are wired. */
export interface RunningReconciler {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly syncer: Syncer;
  stop(): Promise<void>;
}

async function readSecret(file: string, setting: string): Promise<string> {
  const s = (await readNamedFile(file, 'secret', setting)).trim();
  if (s.length === 0) throw new ConfigError({ reason: 'empty', kind: 'secret', setting, file });
  return s;
}

/**
 * The report store in etcd, with the credentials `[etcd]` names read now (a
 * missing file is a ConfigError). One read at start: credentials etcd refuses
 * stop the reconciler here with their own error instead of failing every
 * report later; an etcd that is down only warns (replicas start before it).
 */
/** Reboot slots in etcd (loaded only with [etcd]), with the same credentials as the reports. */
async function openEtcdSlots(storeConfig: FleetStoreConfig, timeoutMs: number): Promise<RebootSlotStore> {
  const secrets = await readEtcdSecrets(storeConfig);
  return (await import('./reboot-slots/etcd-store.js')).openEtcdSlots(storeConfig, secrets, timeoutMs);
}

async function openEtcdReports(storeConfig: FleetStoreConfig, log: Logger): Promise<ReportStore> {
  const secrets = await readEtcdSecrets(storeConfig);
  const store = (await import('./reports/etcd-store.js')).openEtcdStore(storeConfig, secrets);
  const ms = storeConfig.timeoutSeconds * 1000;
  try {
    await withDeadline(store.list(), ms, () => new Error(`no answer within ${storeConfig.timeoutSeconds}s`));
  } catch (e) {
    if (e instanceof FleetStoreAuthError || e instanceof FleetStorePermissionError) {
      await store.close();
      throw e;
    }
    log.warn(`etcd at ${JSON.stringify(storeConfig.endpoints)} is not answering yet (${(e as Error).message}); reports are stored there once it does`);
  }
  return store;
}

export async function startReconciler(config: ReconcilerConfig, opts: { log?: Logger; listen?: string } = {}): Promise<RunningReconciler> {
  const cfg = config.file;
  const log = opts.log ?? createLogger('reconciler');
  await mkdir(cfg.state_dir, { recursive: true, mode: 0o750 });
  const gitdir = mirrorGitdir(cfg.state_dir);
  await ensureMirror(gitdir, cfg.branch);

  const webhookSecret = cfg.webhook ? await readSecret(cfg.webhook.secret_file, 'webhook.secret_file') : undefined;
  const reportTokens = await Promise.all(cfg.reports.token_files.map((f) => readSecret(f, 'reports.token_files')));
  const auth = cfg.credentials_file ? await loadCredentials(cfg.credentials_file) : undefined;

  // etcd3 (gRPC) is loaded only when [etcd] is configured: it costs memory and start-up time.
  const reports: ReportStore = cfg.etcd ? await openEtcdReports(etcdStoreConfig(cfg.etcd, 'etcd'), log) : await openMemoryStore(cfg.state_dir, log);
  // Rollout progress beside the reports: in the state directory, or in etcd shared by the replicas (one leads).
  const rolloutStore: RolloutStore = cfg.etcd
    ? (await import('./rollout/etcd-store.js')).openEtcdRolloutStore(
        etcdStoreConfig(cfg.etcd, 'etcd'),
        await readEtcdSecrets(etcdStoreConfig(cfg.etcd, 'etcd')),
        log,
        `${hostname()}/${process.pid}/${randomUUID()}`,
      )
    : openFileRolloutStore(cfg.state_dir);
  const waiters = createWaiters();
  const staleAfterMs = cfg.reports.stale_after_seconds * 1000;
  const slotTimeoutMs = cfg.rollout.reboot_slot_timeout_seconds * 1000;
  const rebootSlots: RebootSlotStore = cfg.etcd
    ? await openEtcdSlots(etcdStoreConfig(cfg.etcd, 'etcd'), slotTimeoutMs)
    : openMemorySlots();
  let syncer: Syncer | undefined;
  const enrollment = createEnrollmentTracker(gitdir, log);
  const rollouts = createRolloutManager({
    store: rolloutStore,
    reports: async () =>
      (await reports.list()).map(({ report: r, receivedAt }) => ({ host: r.host, channel: r.channel, state: r.state, digest: r.digest, errorCode: r.error?.code ?? null, receivedAt })),
    enrolled: () => {
      const e = enrollment.current();
      return e.kind === 'enrolled' ? [...e.enrollment.hosts.values()].map((h) => h.name) : [];
    },
    previousHead: (head) => readPreviousHead(gitdir, head, config.trust, new Date()),
    served: () => syncer?.state ?? { heads: {}, refusals: {} },
    wake: (channel) => waiters.release(channel),
    staleAfterMs,
    log,
    now: () => new Date(),
  });
  // A report another replica kept (etcd): evaluate its channel once this replica's host view has it.
  reports.onOtherReport((channel) => rollouts.onReport(channel));
  const metrics = createMetrics({
    enrolledHosts: () => {
      const e = enrollment.current();
      return e.kind === 'enrolled' ? e.enrollment.hosts.size : 0;
    },
    openLongPolls: () => waiters.count,
    rollouts: () => rollouts.progress(),
    hostsByState: async () => {
      const list = await reports.list().catch((e: unknown) => {
        log.warn(`metrics: cannot list reports (${(e as Error).message}); counting no hosts`);
        return [];
      });
      return countByState(hostsView(list, syncer?.state ?? { heads: {}, refusals: {} }, new Date(), staleAfterMs, servedBy(rollouts)));
    },
  });

  const fetch =
    config.sourceKind === 'remote'
      ? () => fetchRemote({ gitdir, url: cfg.source, branch: cfg.branch, ...(auth ? { auth } : {}) })
      : () => fetchLocal({ gitdir, source: cfg.source, branch: cfg.branch, git: cfg.git });

  const initial = await loadServedState(cfg.state_dir, cfg.branch);
  syncer = createSyncer(
    {
      fetch,
      gitdir,
      branch: cfg.branch,
      trust: config.trust,
      persist: (s) => saveServedState(cfg.state_dir, cfg.branch, s),
      announce: (sel) => {
        for (const c of sel.changed) waiters.release(c);
      },
      // The enrollment and the rollouts of a new served state are in force before it is (a new head starts gated).
      served: async (state) => {
        await enrollment.refresh(state.branchCommit);
        await rollouts.onServed(state);
      },
      metrics,
      log,
    },
    initial,
  );
  metrics.observeState(initial);
  const s = syncer;
  const triggerSync = (reason: string): void => void s.sync(reason);

  const impact = cfg.impact
    ? createImpactReports({
        caches: cfg.impact.caches,
        trustedKeys: cfg.impact.trusted_keys,
        concurrency: cfg.impact.concurrency,
        releaseByDigest: (channel, commit, digest) => readReleaseByDigest(gitdir, commit, channel, digest),
        log,
      })
    : undefined;
  const ctx: ServerContext = {
    served: () => s.state,
    lastSync: () => s.last,
    history: (channel, limit) => readHistory(gitdir, s.state.branchCommit, channel, limit),
    chain: (channel, head, since) => readChain(gitdir, head, channel, since),
    waiters,
    rollouts,
    reports,
    reportTokens,
    enrollment: () => enrollment.current(),
    maxHosts: cfg.reports.max_hosts,
    rebootSlots: { store: rebootSlots, max: cfg.rollout.max_concurrent_reboots, timeoutMs: slotTimeoutMs },
    ...(webhookSecret !== undefined ? { webhookSecret } : {}),
    deliveries: createDeliveryLog(),
    triggerSync,
    metrics,
    staleAfterMs,
    maxWaiters: cfg.long_poll.max_waiters,
    http: cfg.http,
    git: cfg.git,
    mirrorRoot: mirrorRoot(cfg.state_dir),
    source: cfg.source,
    branch: cfg.branch,
    log,
    now: () => new Date(),
    ...(impact ? { impact } : {}),
  };
  const app = await buildServer(ctx);

  // Rollout records first: a damaged one stops the start (RolloutStateCorruptError), and the first sync starts rollouts from them.
  await rollouts.start();
  // First sync before listening, so a restart answers with its persisted heads or newer ones, never with nothing new.
  await s.sync('start');
  // Also when that sync could not fetch: the enrollment of the served commit is in force before the first report.
  await enrollment.refresh(s.state.branchCommit);
  // Heads served before this start (served.json) get their record too (a no-op for the ones that have one).
  await rollouts.onServed(s.state);

  const { host, port } = splitListen(opts.listen ?? cfg.listen);
  await app.listen({ host, port });
  const addr = app.server.address() as AddressInfo;
  const url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  log.info(`serving on ${url}, following ${cfg.branch} of ${cfg.source}`, { heads: Object.keys(s.state.heads).length, reports: reports.kind });

  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = (): void => {
    const base = cfg.poll_interval_seconds * 1000;
    const jitter = (cfg.poll_jitter_seconds ?? Math.min(cfg.poll_interval_seconds * 0.1, 10)) * 1000;
    timer = setTimeout(() => {
      void s.sync('interval').finally(() => {
        if (!stopped) schedule();
      });
    }, base + Math.random() * jitter);
  };
  schedule();
  const watcher = config.sourceKind === 'local' ? watchLocalRefs(cfg.source, () => triggerSync('watch')) : undefined;
  await watcher?.ready;
  if (watcher) triggerSync('watch-ready'); // a push between the first sync and the watch

  return {
    url,
    app,
    syncer: s,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await watcher?.close();
      waiters.closeAll();
      await app.close();
      await s.idle(); // let a running sync finish its persist before exiting
      await impact?.idle();
      await rollouts.close();
      await reports.close();
      await rebootSlots.close();
    },
  };
}

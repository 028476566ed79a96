import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ServedState } from './heads.js';
import type { HostState } from '../core/wire/host-row.js';
import type { RolloutProgress } from '../core/wire/channel-list.js';

/** Prometheus metrics of one reconciler (its own registry, so tests can run several in one process). */
export interface ReconcilerMetrics {
  readonly registry: Registry;
  readonly refusals: Counter<'channel' | 'code'>;
  readonly fetchErrors: Counter;
  readonly fetchDuration: Histogram;
  readonly reports: Counter<'result'>;
  /** Reports refused, by error code (every refusal of POST /v1/hosts/:host/reports). */
  readonly reportRefusals: Counter<'code'>;
  /** Bring the per-channel gauges in line with the served state. */
  observeState(state: ServedState): void;
}

export function createMetrics(sources: {
  openLongPolls: () => number;
  hostsByState: () => Promise<Record<HostState, number>>;
  /** Hosts enrolled in hosts.toml (0 without one). */
  enrolledHosts?: () => number;
  /** Each channel's staged rollout (null: its head carries none). */
  rollouts?: () => Promise<Map<string, RolloutProgress | null>>;
}): ReconcilerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ogygia_reconciler_process_' });
  const revision = new Gauge({ name: 'ogygia_reconciler_channel_revision', help: 'Revision served per channel', labelNames: ['channel'], registers: [registry] });
  const servedAt = new Gauge({
    name: 'ogygia_reconciler_channel_served_timestamp_seconds',
    help: 'When the served head of each channel was first served',
    labelNames: ['channel'],
    registers: [registry],
  });
  const refused = new Gauge({
    name: 'ogygia_reconciler_channel_refused',
    help: '1 when the newest head of a channel is refused and an older release keeps being served',
    labelNames: ['channel'],
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'ogygia_reconciler_refusals_total',
    help: 'Channel heads refused, by channel ("*" = the whole branch) and error code',
    labelNames: ['channel', 'code'] as const,
    registers: [registry],
  });
  const fetchErrors = new Counter({ name: 'ogygia_reconciler_fetch_errors_total', help: 'Failed fetches of the channels repository', registers: [registry] });
  const fetchDuration = new Histogram({
    name: 'ogygia_reconciler_fetch_duration_seconds',
    help: 'Time to fetch the channels repository and select heads',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const reports = new Counter({ name: 'ogygia_reconciler_reports_total', help: 'Reports received, by result', labelNames: ['result'] as const, registers: [registry] });
  const reportRefusals = new Counter({
    name: 'ogygia_reconciler_report_refusals_total',
    help: 'Reports refused, by error code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'ogygia_reconciler_enrolled_hosts',
    help: 'Hosts enrolled in hosts.toml at the served branch commit (0 without one)',
    registers: [registry],
    collect() {
      this.set(sources.enrolledHosts?.() ?? 0);
    },
  });
  new Gauge({
    name: 'ogygia_reconciler_long_polls',
    help: 'Long-poll requests being held open',
    registers: [registry],
    collect() {
      this.set(sources.openLongPolls());
    },
  });
  new Gauge({
    name: 'ogygia_reconciler_hosts',
    help: 'Hosts by derived state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await sources.hostsByState();
      for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
    },
  });
  // Staged rollouts (DESIGN.md §12). One scrape collects every gauge in turn: they share one read of the progress.
  let rolloutRead: { at: number; value: Promise<Map<string, RolloutProgress | null>> } | undefined;
  const readRollouts = (): Promise<Map<string, RolloutProgress | null>> => {
    if (!rolloutRead || Date.now() - rolloutRead.at > 250) rolloutRead = { at: Date.now(), value: sources.rollouts?.() ?? Promise.resolve(new Map()) };
    return rolloutRead.value;
  };
  const rolloutGauge = (name: string, help: string, value: (p: RolloutProgress) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ['channel'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const [channel, p] of await readRollouts()) if (p) this.set({ channel }, value(p));
      },
    });
  };
  rolloutGauge('ogygia_rollout_wave', "The open wave of the channel's staged rollout (counting from 1)", (p) => p.wave);
  rolloutGauge('ogygia_rollout_waves', "The waves of the channel's staged rollout", (p) => p.waves);
  rolloutGauge('ogygia_rollout_halted', "1 when the channel's staged rollout halted on failures", (p) => Number(p.state === 'halted'));
  rolloutGauge('ogygia_rollout_complete', "1 when the channel's staged rollout is complete", (p) => Number(p.state === 'complete'));
  rolloutGauge('ogygia_rollout_hosts_done', 'Hosts in-sync on the release being rolled out', (p) => p.hostsDone);
  rolloutGauge('ogygia_rollout_failures', 'Hosts that failed or rolled back the release being rolled out', (p) => p.failures);
  return {
    registry,
    refusals,
    fetchErrors,
    fetchDuration,
    reports,
    reportRefusals,
    observeState(state) {
      revision.reset();
      servedAt.reset();
      refused.reset();
      for (const h of Object.values(state.heads)) {
        revision.set({ channel: h.channel }, h.revision);
        servedAt.set({ channel: h.channel }, Date.parse(h.servedAt) / 1000);
      }
      for (const c of new Set([...Object.keys(state.heads), ...Object.keys(state.refusals)])) {
        refused.set({ channel: c }, Object.hasOwn(state.refusals, c) ? 1 : 0);
      }
    },
  };
}

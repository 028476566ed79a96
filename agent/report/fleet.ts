import type { FleetStore, HostRevisions } from '../../core/fleet/types.js';
import type { Logger } from '../../core/log.js';
import type { AgentReport } from './schema.js';

/**
 * Publishes this host to etcd or ZooKeeper (`<namespace>/<host>/{current,booted,nextboot}`
 * plus `<namespace>/<host>/agent` JSON) through the shared FleetStore. Like
 * the HTTP reporter it never blocks an apply: only the newest snapshot is kept,
 * failures are retried on the next report.
 */
export interface FleetPublisher {
  submit(report: AgentReport): void;
  flush(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export function agentDetail(r: AgentReport): Record<string, unknown> {
  const { current: _c, booted: _b, nextboot: _n, host: _h, ...rest } = r;
  return rest;
}

export function createFleetPublisher(store: FleetStore, host: string, log: Logger): FleetPublisher {
  let pending: AgentReport | undefined;
  let running: Promise<void> | undefined;
  let warned = false;

  async function loop(): Promise<void> {
    while (pending) {
      const r = pending;
      const revisions: HostRevisions = { current: r.current, booted: r.booted, nextboot: r.nextboot };
      try {
        await store.publish(host, revisions, agentDetail(r));
        if (pending === r) pending = undefined;
        warned = false;
      } catch (e) {
        if (!warned) log.warn(`cannot publish to ${store.kind} (${(e as Error).message}); will retry with the next report`);
        warned = true;
        return;
      }
    }
  }

  return {
    submit(report) {
      pending = report;
      running ??= loop().finally(() => {
        running = undefined;
      });
    },
    async flush(timeoutMs) {
      if (!running) return pending === undefined;
      const done = await Promise.race([running.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs).unref())]);
      return done && pending === undefined;
    },
    async close() {
      await running;
      await store.close();
    },
  };
}

import { isOgygiaError } from '../../core/errors/index.js';
import type { FleetStore, HostRevisions } from '../../core/fleet/types.js';
import type { Logger } from '../../core/log.js';
import { fleetDetailOf } from '../../core/wire/fleet-detail.js';
import { reportSchema, type Report } from '../../core/wire/report.js';
import { toWire } from './http.js';

/**
 * Publishes this host to etcd or ZooKeeper (`<namespace>/<host>/{current,booted,nextboot}`
 * plus `<namespace>/<host>/agent` JSON, core/wire/fleet-detail.ts) through the
 * shared FleetStore. Like the HTTP reporter it never blocks an apply: only the
 * newest snapshot is kept, failures are retried on the next report.
 */
export interface FleetPublisher {
  submit(report: Report): void;
  flush(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export function createFleetPublisher(store: FleetStore, host: string, log: Logger): FleetPublisher {
  let pending: Report | undefined;
  let running: Promise<void> | undefined;
  let warned = false;

  async function loop(): Promise<void> {
    while (pending) {
      const r = pending;
      const revisions: HostRevisions = { current: r.current, booted: r.booted, nextboot: r.nextboot };
      try {
        await store.publish(host, revisions, fleetDetailOf(r));
        if (pending === r) pending = undefined;
        warned = false;
      } catch (e) {
        if (!warned) log.warn(`cannot publish to ${store.kind} (${isOgygiaError(e) ? `${e.code}: ` : ''}${(e as Error).message}); will retry with the next report`);
        warned = true;
        return;
      }
    }
  }

  return {
    submit(report) {
      pending = reportSchema.parse(toWire(report));
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

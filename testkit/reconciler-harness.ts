import { reconcilerConfigSchema, toReconcilerConfig } from '../reconciler/config.js';
import { startReconciler, type RunningReconciler } from '../reconciler/main.js';
import { createLogger } from '../core/log.js';
import { testPublicKey } from './keys.js';

export interface RecOptions {
  source: string;
  stateDir: string;
  poll?: number;
  extra?: Record<string, unknown>;
  logs?: string[];
}

/** The reconciler in this process on a random loopback port, trusting the test-only keys. */
export async function startTestReconciler(o: RecOptions): Promise<RunningReconciler> {
  const raw = {
    source: o.source,
    state_dir: o.stateDir,
    listen: '127.0.0.1:0',
    poll_interval_seconds: o.poll ?? 3600,
    poll_jitter_seconds: 0,
    trust: { keys: [testPublicKey('test-only-ops-1'), testPublicKey('test-only-ops-2')], threshold: 1 },
    ...o.extra,
  };
  const cfg = toReconcilerConfig(reconcilerConfigSchema.parse(raw));
  const logs = o.logs;
  const log = createLogger('reconciler', logs ? (l) => logs.push(l) : () => {});
  return startReconciler(cfg, { log });
}


export async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: any; headers: Headers }> {
  const r = await fetch(url, init);
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined, headers: r.headers };
}

export async function servedRevision(base: string, channel: string): Promise<number | undefined> {
  const r = await getJson(`${base}/v1/channels/${channel}`);
  return r.status === 200 ? (r.body.document.release.revision as number) : undefined;
}

import { readFile } from 'node:fs/promises';
import type { Logger } from '../../core/log.js';
import { agentReportSchema, type AgentReport } from './schema.js';

/** Sends reports to the reconciler in the background; `submit` never waits on the network. */
export interface Reporter {
  submit(report: AgentReport): void;
  /** Wait until the latest report is delivered, or `timeoutMs` passes; true when delivered. */
  flush(timeoutMs: number): Promise<boolean>;
  close(): void;
}

export interface HttpReporterOptions {
  readonly baseUrl: string;
  readonly host: string;
  readonly tokenFile?: string;
  readonly timeoutMs: number;
  readonly log: Logger;
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

/**
 * POST /v1/hosts/<host>/reports with a bearer token read from `token_file`.
 * Only the newest undelivered report is kept (each one is a full snapshot);
 * on failure it retries with exponential backoff and jitter, forever.
 */
export function createHttpReporter(o: HttpReporterOptions): Reporter {
  const url = `${o.baseUrl}/v1/hosts/${encodeURIComponent(o.host)}/reports`;
  const minB = o.minBackoffMs ?? 1000;
  const maxB = o.maxBackoffMs ?? 60_000;
  let pending: AgentReport | undefined;
  let sending = false;
  let closed = false;
  let backoff = minB;
  let timer: NodeJS.Timeout | undefined;
  let waiters: Array<() => void> = [];
  let failures = 0;

  async function send(r: AgentReport): Promise<'ok' | 'retry' | 'drop'> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (o.tokenFile) {
      try {
        headers.authorization = `Bearer ${(await readFile(o.tokenFile, 'utf8')).trim()}`;
      } catch (e) {
        o.log.warn(`cannot read report token_file ${o.tokenFile} (${(e as Error).message}); sending without a token`);
      }
    }
    try {
      const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(toWire(r)), signal: AbortSignal.timeout(o.timeoutMs) });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return 'ok';
      if (res.status === 408 || res.status === 429 || res.status >= 500) return 'retry';
      o.log.warn(`the reconciler refused a report with ${res.status}; check [report] token_file and that agent and reconciler versions match`);
      return 'drop';
    } catch {
      return 'retry';
    }
  }

  function settle(): void {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  }

  async function pump(): Promise<void> {
    if (sending || closed) return;
    sending = true;
    try {
      while (pending && !closed) {
        const r = pending;
        const outcome = await send(r);
        if (outcome === 'retry') {
          failures++;
          if (failures === 1 || failures % 10 === 0) o.log.warn(`cannot deliver report to ${url} (attempt ${failures}); retrying with backoff`);
          const delay = Math.round(backoff * (0.5 + Math.random() / 2));
          backoff = Math.min(maxB, backoff * 2);
          timer = setTimeout(() => {
            timer = undefined;
            void pump();
          }, delay);
          timer.unref?.();
          return;
        }
        if (failures > 0 && outcome === 'ok') o.log.info(`report delivered after ${failures} failed attempt(s)`);
        failures = 0;
        backoff = minB;
        if (pending === r) {
          pending = undefined;
          settle();
        }
      }
    } finally {
      sending = false;
    }
  }

  return {
    submit(report) {
      pending = agentReportSchema.parse(report);
      if (timer) {
        // A new snapshot arrived while waiting to retry: keep the backoff, just replace what will be sent.
        return;
      }
      void pump();
    },
    flush(timeoutMs) {
      if (!pending) return Promise.resolve(true);
      return new Promise((resolve) => {
        const t = setTimeout(() => resolve(false), timeoutMs);
        waiters.push(() => {
          clearTimeout(t);
          resolve(true);
        });
      });
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      settle();
    },
  };
}

/** A reporter that sends nowhere (no reconciler URL configured). */
export const nullReporter: Reporter = { submit() {}, flush: async () => true, close() {} };

/** The reconciler's limits on an error (docs/api.md): message and output tail, 4096 characters each. */
export const WIRE_TEXT_MAX = 4096;

/** Pure: the report as the reconciler's POST /v1/hosts/:host/reports accepts it (docs/api.md): the output tail is kept, its end first. */
export function toWire(r: AgentReport): Record<string, unknown> {
  if (!r.error) return r;
  const { outputTail, ...error } = r.error;
  const message = error.message.slice(0, WIRE_TEXT_MAX);
  return { ...r, error: { ...error, message, ...(outputTail !== undefined ? { outputTail: outputTail.slice(-WIRE_TEXT_MAX) } : {}) } };
}

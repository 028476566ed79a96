import { readFile } from 'node:fs/promises';
import { readBodyCapped } from '../../core/bounded-body.js';
import { StateWriteError } from '../../core/errors/index.js';
import type { HostKey } from '../../core/host-key.js';
import type { Logger } from '../../core/log.js';
import { signReport } from '../../core/report-signing.js';
import { visible } from '../../core/terminal-safe.js';
import { BUILD_REVISION } from '../../core/wire/fields.js';
import { REPORT_SIGNATURE_HEADER } from '../../core/wire/report-signature.js';
import { REPORT_TEXT_MAX, reportSchema, type Report } from '../../core/wire/report.js';
import type { SeqStore } from './seq.js';

/** Sends reports to the reconciler in the background; `submit` never waits on the network. */
export interface Reporter {
  submit(report: Report): void;
  /** Wait until the latest report is delivered, or `timeoutMs` passes; true when delivered. */
  flush(timeoutMs: number): Promise<boolean>;
  close(): void;
}

export interface HttpReporterOptions {
  readonly baseUrl: string;
  readonly host: string;
  readonly tokenFile?: string;
  /** Signs every report (`Ogygia-Signature`); without it reports go unsigned. */
  readonly hostKey?: HostKey;
  /** Numbers every report (`seq`); without it reports carry none. */
  readonly seq?: Pick<SeqStore, 'next'>;
  readonly timeoutMs: number;
  readonly log: Logger;
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

/**
 * POST /v1/hosts/<host>/reports with a bearer token read from `token_file`,
 * and (DESIGN.md §11) each attempt numbered with the next `seq` and signed
 * with the host key. Only the newest undelivered report is kept (each one is
 * a full snapshot); on failure it retries with exponential backoff and
 * jitter, forever. A refusal (4xx) is logged with the reconciler's code.
 */
export function createHttpReporter(o: HttpReporterOptions): Reporter {
  const url = `${o.baseUrl}/v1/hosts/${encodeURIComponent(o.host)}/reports`;
  const minB = o.minBackoffMs ?? 1000;
  const maxB = o.maxBackoffMs ?? 60_000;
  let pending: Report | undefined;
  let sending = false;
  let closed = false;
  let backoff = minB;
  let timer: NodeJS.Timeout | undefined;
  let waiters: Array<() => void> = [];
  let failures = 0;
  /** Why the last attempt is to be retried (logged with the attempt count). */
  let lastFailure = '';

  async function send(r: Report): Promise<'ok' | 'retry' | 'drop'> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    let body: Report = r;
    if (o.seq) {
      // A fresh number for every attempt, recorded before it is sent: none is ever sent twice.
      try {
        body = { ...r, seq: await o.seq.next() };
      } catch (e) {
        if (!(e instanceof StateWriteError)) throw e;
        lastFailure = e.message;
        return 'retry';
      }
    }
    if (o.hostKey) headers[REPORT_SIGNATURE_HEADER.toLowerCase()] = signReport(body, o.hostKey);
    if (o.tokenFile) {
      try {
        headers.authorization = `Bearer ${(await readFile(o.tokenFile, 'utf8')).trim()}`;
      } catch (e) {
        o.log.warn(`cannot read report token_file ${o.tokenFile} (${(e as Error).message}); sending without a token`);
      }
    }
    try {
      const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(o.timeoutMs) });
      const answer = await readBodyCapped(res, 16 * 1024, "the reconciler's answer to a report").catch(() => '');
      if (res.ok) return 'ok';
      if (res.status === 408 || res.status === 429 || res.status >= 500) {
        lastFailure = `HTTP ${res.status}${refusalOf(answer)}`;
        return 'retry';
      }
      o.log.warn(
        `the reconciler refused a report with ${res.status}${refusalOf(answer)}; check [report] token_file or host_key_file, hosts.toml, and that agent and reconciler versions match`,
      );
      return 'drop';
    } catch (e) {
      // The reconciler is down or slow: the report is kept and sent again with backoff.
      lastFailure = (e as Error).message;
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
          if (failures === 1 || failures % 10 === 0) o.log.warn(`cannot deliver report to ${url} (attempt ${failures}: ${lastFailure}); retrying with backoff`);
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
      pending = reportSchema.parse(toWire(report));
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

/** Pure: `: message [code]` from a reconciler's error body, made safe for a log; empty when the body is not one. */
export function refusalOf(body: string): string {
  try {
    const e = JSON.parse(body) as { code?: unknown; message?: unknown };
    if (typeof e.code === 'string' && typeof e.message === 'string') return `: ${visible(e.message.slice(0, 500))} [${visible(e.code.slice(0, 64))}]`;
  } catch {
    // not JSON: a proxy's page, say; the status alone is logged
  }
  return '';
}

/** A reporter that sends nowhere (no reconciler URL configured). */
export const nullReporter: Reporter = { submit() {}, flush: async () => true, close() {} };

/**
 * Pure: the report made to fit the wire schema (core/wire/report.ts), so the
 * reconciler never refuses it for length: the error message keeps its start
 * and the output tail its end, each at most REPORT_TEXT_MAX characters; a
 * build revision with control characters loses them (`unknown` when nothing
 * is left). Everything else is sent as it is.
 */
export function toWire(r: Report): Report {
  const revs = { current: buildRevision(r.current), booted: buildRevision(r.booted), nextboot: buildRevision(r.nextboot) };
  const fits = revs.current === r.current && revs.booted === r.booted && revs.nextboot === r.nextboot;
  const base = fits ? r : { ...r, ...revs };
  if (!base.error) return base;
  const { outputTail, ...error } = base.error;
  const message = error.message.slice(0, REPORT_TEXT_MAX);
  return { ...base, error: { ...error, message, ...(outputTail !== undefined ? { outputTail: outputTail.slice(-REPORT_TEXT_MAX) } : {}) } };
}

function buildRevision(v: string): string {
  if (BUILD_REVISION.test(v)) return v;
  return v.replace(/\p{Cc}/gu, '').slice(0, 64) || 'unknown';
}

import type { ReportState } from '../core/wire/report.js';

/**
 * A simulated agent for reconciler tests and the rollout benchmark: it asks
 * for its channel's head as a real agent does (`?host=`, `If-None-Match`,
 * `?wait=`, `?since=`) and posts reports in the wire format
 * (core/wire/report.ts). It applies nothing: tests that need a real system
 * use agent-world.ts.
 */
export interface Served {
  readonly status: number;
  readonly revision: number | null;
  readonly digest: string | null;
  readonly etag: string | null;
  /** The intermediate releases' revisions the answer carried (`chain`), sorted. */
  readonly chain: number[];
  readonly body: any;
}

export interface AskOptions {
  readonly etag?: string | null;
  readonly wait?: number;
  readonly since?: number;
  readonly signal?: AbortSignal;
}

/** GET /v1/channels/:channel?host=… as the agent asks it. */
export async function askHead(base: string, channel: string, host: string | undefined, o: AskOptions = {}): Promise<Served> {
  const url = new URL(`${base}/v1/channels/${channel}`);
  if (host !== undefined) url.searchParams.set('host', host);
  if (o.since !== undefined) url.searchParams.set('since', String(o.since));
  if (o.wait !== undefined) url.searchParams.set('wait', String(o.wait));
  const r = await fetch(url, { headers: o.etag ? { 'if-none-match': o.etag } : {}, ...(o.signal ? { signal: o.signal } : {}) });
  const text = await r.text();
  const body = text ? JSON.parse(text) : undefined;
  const revision = r.status === 200 ? (body.document.release.revision as number) : null;
  const chain = r.status === 200 && Array.isArray(body.chain) ? (body.chain as string[]).map((c) => JSON.parse(c).release.revision as number).sort((a, b) => a - b) : [];
  return { status: r.status, revision, digest: r.status === 200 ? (body.digest as string) : null, etag: r.headers.get('etag'), chain, body };
}

export interface SimReport {
  readonly host: string;
  readonly channel: string;
  readonly state: ReportState;
  /** The release the host has applied. */
  readonly applied: { readonly revision: number; readonly digest: string } | null;
  readonly errorCode?: string;
  readonly token?: string;
}

/** POST /v1/hosts/:host/reports with a report in the wire format; the status code. */
export async function postReport(base: string, r: SimReport): Promise<number> {
  const body = {
    host: r.host,
    channel: r.channel,
    state: r.state,
    revision: r.applied?.revision ?? null,
    digest: r.applied?.digest ?? null,
    commit: null,
    current: 'unknown',
    booted: 'unknown',
    nextboot: 'unknown',
    ...(r.errorCode ? { error: { code: r.errorCode, message: `simulated ${r.errorCode}` } } : {}),
    agentVersion: '0.0.0-sim',
    reportedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
  const res = await fetch(`${base}/v1/hosts/${r.host}/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(r.token ? { authorization: `Bearer ${r.token}` } : {}) },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

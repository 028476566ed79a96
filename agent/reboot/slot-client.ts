import { readFile } from 'node:fs/promises';
import { readBodyCapped } from '../../core/bounded-body.js';
import type { HostKey } from '../../core/host-key.js';
import { signReport } from '../../core/report-signing.js';
import { visible } from '../../core/terminal-safe.js';
import { rebootSlotGrantSchema, rebootSlotRequestSchema, type RebootSlotRequest } from '../../core/wire/reboot-slot.js';
import { REPORT_SIGNATURE_HEADER } from '../../core/wire/report-signature.js';
import type { SeqStore } from '../report/seq.js';

/** The reconciler's answer to a reboot-slot request; anything but a grant means "do not reboot now". */
export type SlotAnswer = { readonly granted: true } | { readonly granted: false; readonly retryAfterSeconds: number; readonly reason: string };

export interface SlotClient {
  ask(channel: string, digest: string): Promise<SlotAnswer>;
}

/**
 * POST /v1/hosts/<host>/reboot-slot (DESIGN.md §4, §13), signed with the host
 * key and numbered like a report, with the report bearer token when one is
 * configured. A network failure or a refusal is "not granted": a host never
 * reboots without a slot from its reconciler.
 */
export function createSlotClient(o: {
  readonly baseUrl: string;
  readonly host: string;
  readonly hostKey?: HostKey;
  readonly seq?: Pick<SeqStore, 'next'>;
  readonly tokenFile?: string;
  readonly timeoutMs: number;
  readonly now?: () => Date;
}): SlotClient {
  const url = `${o.baseUrl}/v1/hosts/${encodeURIComponent(o.host)}/reboot-slot`;
  return {
    async ask(channel, digest) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      try {
        const body: RebootSlotRequest = rebootSlotRequestSchema.parse({
          host: o.host,
          channel,
          digest,
          requestedAt: (o.now?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          ...(o.seq ? { seq: await o.seq.next() } : {}),
        });
        if (o.hostKey) headers[REPORT_SIGNATURE_HEADER.toLowerCase()] = signReport(body, o.hostKey, 'reboot-slot');
        if (o.tokenFile) headers.authorization = `Bearer ${(await readFile(o.tokenFile, 'utf8')).trim()}`;
        const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(o.timeoutMs) });
        const text = await readBodyCapped(res, 16 * 1024, "the reconciler's answer to a reboot-slot request").catch(() => '');
        if (res.status === 200 && rebootSlotGrantSchema.safeParse(JSON.parse(text)).success) return { granted: true };
        const retry = Number(res.headers.get('retry-after'));
        return { granted: false, retryAfterSeconds: Number.isFinite(retry) && retry > 0 ? retry : 0, reason: `HTTP ${res.status}${answerOf(text)}` };
      } catch (e) {
        return { granted: false, retryAfterSeconds: 0, reason: (e as Error).message };
      }
    },
  };
}

function answerOf(body: string): string {
  try {
    const e = JSON.parse(body) as { code?: unknown; message?: unknown };
    if (typeof e.code === 'string' && typeof e.message === 'string') return `: ${visible(e.message.slice(0, 500))} [${visible(e.code.slice(0, 64))}]`;
  } catch {
    // not JSON
  }
  return '';
}

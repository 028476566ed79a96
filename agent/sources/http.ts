import { readBodyCapped } from '../../core/bounded-body.js';
import { OversizeError, SourceUnavailableError } from '../../core/errors/index.js';
import { MAX_CHANNEL_FILE_BYTES } from '../../core/release.js';
import { MAX_CHAIN_BYTES } from '../../core/release-chain.js';
import { channelHeadSchema } from '../../core/wire/channel-head.js';
import { memberText } from '../../core/verify/strict-json.js';
import type { FetchResult, Source } from './types.js';

/** The reconciler's answer wraps the channel file and, for a skip, the releases in between (JSON strings, so escaped); room for both. */
const MAX_RESPONSE_BYTES = 4 * MAX_CHANNEL_FILE_BYTES + 2 * MAX_CHAIN_BYTES;

/**
 * `GET <url>/v1/channels/<channel>?host=<name>` (DESIGN.md §4, §12) with
 * `If-None-Match` and `?wait=` long-poll. The reconciler is not trusted: only the document bytes
 * and the commit are used; the digest is recomputed by verification.
 */
export function createHttpSource(baseUrl: string, channel: string, opts: { timeoutSeconds?: number; host?: string } = {}): Source {
  let etag: string | undefined;
  const extraTimeoutMs = (opts.timeoutSeconds ?? 30) * 1000;
  return {
    kind: 'reconciler',
    reset() {
      etag = undefined;
    },
    async fetch({ waitSeconds, signal, since }): Promise<FetchResult> {
      const url = new URL(`${baseUrl}/v1/channels/${encodeURIComponent(channel)}`);
      // The host names itself: a staged rollout serves it what its wave allows (DESIGN.md §12).
      if (opts.host !== undefined) url.searchParams.set('host', opts.host);
      // A head that skips past what this host accepted then carries the releases in between ("chain").
      if (since) url.searchParams.set('since', String(since.revision));
      if (etag !== undefined && waitSeconds > 0) url.searchParams.set('wait', String(Math.min(300, Math.floor(waitSeconds))));
      const timeout = AbortSignal.timeout((etag !== undefined ? waitSeconds * 1000 : 0) + extraTimeoutMs);
      const headers: Record<string, string> = { accept: 'application/json' };
      if (etag !== undefined) headers['if-none-match'] = etag;
      let res: Response;
      let text: string;
      try {
        res = await fetch(url, { headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
        if (res.status === 304) return { kind: 'unchanged' };
        text = await readBodyCapped(res, MAX_RESPONSE_BYTES, `the reconciler's answer for channel ${channel}`);
      } catch (e) {
        if (e instanceof OversizeError) throw e; // it answered, too much: that says more than "cannot fetch"
        throw new SourceUnavailableError({ reason: 'unreachable', source: baseUrl, url: url.toString(), channel, cause: (e as Error).message });
      }
      if (res.status !== 200) {
        throw new SourceUnavailableError({ reason: 'status', source: baseUrl, url: url.toString(), channel, status: res.status, body: text });
      }
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        throw new SourceUnavailableError({ reason: 'not-json', source: baseUrl, url: url.toString() });
      }
      // The answer's shape is the wire contract (core/wire/channel-head.ts); the commit goes into state and reports.
      const parsed = channelHeadSchema.safeParse(raw);
      if (!parsed.success) throw new SourceUnavailableError({ reason: 'no-document', source: baseUrl, url: url.toString(), channel });
      const body = parsed.data;
      // The document's own bytes as the reconciler sent them (a re-serialisation would hide a duplicate member).
      const doc = typeof body.document === 'string' ? body.document : (memberText(text, 'document') ?? JSON.stringify(body.document));
      const tag = res.headers.get('etag');
      etag = tag ?? `"${body.digest}"`;
      // The releases in between, each a channel file's text as committed (verification reads them, not this).
      const chain = body.chain?.map((c) => new Uint8Array(Buffer.from(c, 'utf8')));
      return { kind: 'head', head: { bytes: new Uint8Array(Buffer.from(doc, 'utf8')), commit: body.commit, ...(chain ? { chain } : {}) } };
    },
  };
}

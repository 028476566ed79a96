import { Agent, request, type IncomingMessage } from 'node:http';
import { OversizeError } from '../../core/errors/index.js';

/**
 * One keep-alive agent for irisd's traffic to its peers (narinfo lookups and
 * NAR downloads): a hop reuses its connections instead of opening one per
 * path, and node:http with Node streams costs less CPU per request than
 * `fetch` and web streams.
 */
export const peerAgent = new Agent({ keepAlive: true, keepAliveMsecs: 30_000, maxSockets: 64, maxFreeSockets: 16 });

/** No answer (headers, or a whole narinfo) within the time allowed; named as AbortSignal.timeout names it. */
export class PeerTimeout extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * GET a peer URL on the keep-alive agent. Resolves once the status and
 * headers arrived (the body is a Node stream the caller reads or destroys);
 * rejects on a connection error, or with PeerTimeout when the headers do not
 * come within `timeoutMs`. `signal` aborts it, the body included.
 */
export function peerGet(url: string, opts: { readonly headers?: Record<string, string>; readonly timeoutMs: number; readonly signal?: AbortSignal }): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: peerAgent, headers: opts.headers, ...(opts.signal ? { signal: opts.signal } : {}) });
    const timer = setTimeout(() => req.destroy(new PeerTimeout(`no answer within ${opts.timeoutMs} ms`)), opts.timeoutMs);
    req.once('response', (res) => {
      clearTimeout(timer);
      resolve(res);
    });
    req.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end();
  });
}

/**
 * A peer's answer body as text, at most `cap` bytes (the declared
 * Content-Length first, then the bytes as they come; the connection is
 * destroyed the moment the cap is passed), within `timeoutMs`.
 */
export function readPeerText(res: IncomingMessage, cap: number, what: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const over = (bytes: number, declared: boolean): OversizeError => new OversizeError({ kind: 'answer', what, bytes, limit: cap, declared });
    const declared = Number(res.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > cap) {
      res.destroy();
      reject(over(declared, true));
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    const timer = setTimeout(() => {
      res.destroy();
      reject(new PeerTimeout(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    res.on('data', (c: Buffer) => {
      total += c.length;
      if (total > cap) {
        clearTimeout(timer);
        res.destroy();
        reject(over(total, false));
        return;
      }
      chunks.push(c);
    });
    let ended = false;
    res.once('end', () => {
      ended = true;
      clearTimeout(timer);
      resolve(Buffer.concat(chunks, total).toString('utf8'));
    });
    res.once('close', () => {
      clearTimeout(timer);
      if (!ended) reject(new Error('the peer closed the connection before the end of its answer'));
    });
    res.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

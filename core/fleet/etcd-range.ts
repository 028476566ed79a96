import { connect, constants, type ClientHttp2Session, type IncomingHttpHeaders, type SecureClientSessionOptions } from 'node:http2';
import type { EtcdSecrets } from './credentials.js';
import {
  AUTHENTICATE_METHOD,
  RANGE_METHOD,
  decodeAuthenticateResponse,
  forEachRangeKeyValue,
  encodeAuthenticateRequest,
  encodeRangeRequest,
  prefixRangeEnd,
} from './etcd-range-codec.js';
import { GRPC_UNAVAILABLE, GrpcStatusError, callStatus, frameMessage, unframeMessage } from './grpc-frame.js';

/** A fleet of 10,000 hosts with agent detail is several MiB in one range reply; more than this is refused. */
const MAX_ANSWER_BYTES = 256 * 1024 * 1024;

/**
 * Hand every key under a prefix of etcd, with its value, to `visit`, read with one `KV/Range` call
 * (linearizable, as `etcdctl get --prefix`), decoding only keys and values
 * (core/fleet/etcd-range-codec.ts). This is the read `ogygia status` makes;
 * writes, watches and leases stay with the etcd3 client.
 *
 * It is one gRPC unary call on Node's own HTTP/2 client
 * (core/fleet/grpc-frame.ts): bench/status-stores.ts measured the etcd3
 * client's load and decode at two thirds of `ogygia status` over 10,000
 * hosts, and @grpc/grpc-js alone still cost ~35 ms more than this to load and
 * connect, for a call that needs none of its channel machinery.
 *
 * It connects as the etcd3 client does: TLS with the configured CA and client
 * certificate, or the system's CAs for an `https://` endpoint; with a user, it
 * asks `Auth/Authenticate` for a token first and sends it as `token`. The
 * endpoints are tried in order, moving on only when one cannot be reached.
 * etcd's refusals keep etcd's message (`7 PERMISSION_DENIED: etcdserver:
 * permission denied`, ...), which core/fleet/etcd-access.ts maps to the fleet
 * store's errors.
 */
export async function listEtcdPrefix(
  endpoints: readonly string[],
  secrets: EtcdSecrets,
  prefix: string,
  timeoutMs: number,
  visit: (key: string, value: string) => void,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const key = new TextEncoder().encode(prefix);
  const request = encodeRangeRequest(key, prefixRangeEnd(key));
  let lastError: unknown = new Error('no etcd endpoint is configured');
  for (const endpoint of endpoints) {
    const session = openSession(endpoint, secrets);
    try {
      const headers: Record<string, string> = {};
      if (secrets.auth) {
        const auth = encodeAuthenticateRequest(secrets.auth.username, secrets.auth.password.reveal());
        headers.token = decodeAuthenticateResponse(await unary(session, AUTHENTICATE_METHOD, auth, {}, deadline));
      }
      forEachRangeKeyValue(await unary(session, RANGE_METHOD, request, headers, deadline), visit);
      return;
    } catch (e) {
      lastError = e;
      if (!(e instanceof GrpcStatusError && e.code === GRPC_UNAVAILABLE)) throw e;
    } finally {
      session.destroy();
    }
  }
  throw lastError;
}

/** An HTTP/2 session to one endpoint (`http://host:port` or `https://...`; a bare `host:port` is plain, as etcd3 takes it). */
function openSession(endpoint: string, secrets: EtcdSecrets): ClientHttp2Session {
  const tls = secrets.tls !== undefined || endpoint.startsWith('https:');
  const authority = `${tls ? 'https' : 'http'}://${endpoint.replace(/^https?:\/\//, '')}`;
  const options: SecureClientSessionOptions = {
    ...(secrets.tls?.ca ? { ca: secrets.tls.ca } : {}),
    ...(secrets.tls?.cert ? { cert: secrets.tls.cert } : {}),
    ...(secrets.tls?.key ? { key: secrets.tls.key.reveal() } : {}),
  };
  const session = connect(authority, options);
  session.on('error', () => {}); // each call reports the failure that ends it
  return session;
}

/**
 * One unary call: the framed request, the answer's one message. A session
 * that cannot connect (refused, TLS handshake failed) is UNAVAILABLE with
 * the cause's message, as grpc-js reports it; no answer by `deadline` is
 * DEADLINE_EXCEEDED.
 */
function unary(session: ClientHttp2Session, path: string, message: Uint8Array, headers: Record<string, string>, deadline: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const stream = session.request({
      [constants.HTTP2_HEADER_METHOD]: 'POST',
      [constants.HTTP2_HEADER_PATH]: path,
      [constants.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
      te: 'trailers',
      ...headers,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (e: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stream.close(constants.NGHTTP2_CANCEL);
      reject(e);
    };
    const timer = setTimeout(() => fail(new GrpcStatusError(4, 'no answer from etcd in time')), Math.max(0, deadline - Date.now()));
    timer.unref();
    // The headers that carried grpc-status: the trailers, or the headers of an answer that is only trailers.
    let outcome: IncomingHttpHeaders | undefined;
    const noteOutcome = (h: IncomingHttpHeaders): void => {
      if (h['grpc-status'] !== undefined) outcome = h;
    };
    stream.on('response', (h) => {
      const code: unknown = h[constants.HTTP2_HEADER_STATUS];
      if (code !== 200) fail(new GrpcStatusError(GRPC_UNAVAILABLE, `the answer is HTTP ${String(code)}, not a gRPC answer`));
      else noteOutcome(h);
    });
    stream.on('trailers', noteOutcome);
    stream.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_ANSWER_BYTES) fail(new GrpcStatusError(8, `the answer is over ${MAX_ANSWER_BYTES} bytes`));
      else chunks.push(c);
    });
    stream.on('error', (e: Error) => fail(new GrpcStatusError(GRPC_UNAVAILABLE, `No connection established. Last error: ${e.message}`)));
    stream.on('end', () => {
      if (settled) return;
      if (!outcome) return fail(new GrpcStatusError(13, 'the answer ended without a grpc-status'));
      const refused = callStatus(outcome);
      if (refused) return fail(refused);
      try {
        const body = unframeMessage(Buffer.concat(chunks, size));
        settled = true;
        clearTimeout(timer);
        resolve(body);
      } catch (e) {
        fail(new GrpcStatusError(13, (e as Error).message));
      }
    });
    stream.end(frameMessage(message));
  });
}

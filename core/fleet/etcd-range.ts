import { Client, Metadata, credentials, status, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js';
import type { EtcdSecrets } from './credentials.js';
import {
  AUTHENTICATE_METHOD,
  RANGE_METHOD,
  decodeAuthenticateResponse,
  decodeRangeResponse,
  encodeAuthenticateRequest,
  encodeRangeRequest,
  prefixRangeEnd,
} from './etcd-range-codec.js';

/**
 * List every key under a prefix of etcd with one `KV/Range` call over gRPC
 * (linearizable, as `etcdctl get --prefix`), decoding only keys and values
 * (core/fleet/etcd-range-codec.ts). This is the read `ogygia status` makes;
 * writes, watches and leases stay with the etcd3 client, which this path does
 * not load (bench/status-stores.ts: the etcd3 client's load and decode were
 * two thirds of `ogygia status` at 10,000 hosts).
 *
 * It connects as the etcd3 client does: TLS with the configured CA and client
 * certificate, or the system's CAs for an `https://` endpoint; with a user, it
 * asks `Auth/Authenticate` for a token first and sends it as `token`. The
 * endpoints are tried in order, moving on only when one is unreachable. etcd's
 * refusals keep etcd's message (`etcdserver: permission denied`, ...), which
 * core/fleet/etcd-access.ts maps to the fleet store's errors.
 */
export async function listEtcdPrefix(
  endpoints: readonly string[],
  secrets: EtcdSecrets,
  prefix: string,
  timeoutMs: number,
): Promise<Array<[string, string]>> {
  const deadline = Date.now() + timeoutMs;
  const creds = channelCredentials(endpoints, secrets);
  const key = new TextEncoder().encode(prefix);
  const request = encodeRangeRequest(key, prefixRangeEnd(key));
  let lastError: unknown = new Error('no etcd endpoint is configured');
  for (const endpoint of endpoints) {
    const client = new Client(endpoint.replace(/^https?:\/\//, ''), creds, {
      // A fleet of 10,000 hosts with agent detail is several MiB in one range reply.
      'grpc.max_receive_message_length': 256 * 1024 * 1024,
    });
    try {
      const metadata = new Metadata();
      if (secrets.auth) {
        const auth = encodeAuthenticateRequest(secrets.auth.username, secrets.auth.password.reveal());
        metadata.set('token', await unary(client, AUTHENTICATE_METHOD, auth, decodeAuthenticateResponse, new Metadata(), deadline));
      }
      return (await unary(client, RANGE_METHOD, request, decodeRangeResponse, metadata, deadline)).kvs;
    } catch (e) {
      lastError = e;
      if ((e as Partial<ServiceError>).code !== status.UNAVAILABLE) throw e;
    } finally {
      client.close();
    }
  }
  throw lastError;
}

/** The transport credentials the etcd3 client would pick for these endpoints and secrets. */
function channelCredentials(endpoints: readonly string[], secrets: EtcdSecrets): ChannelCredentials {
  if (secrets.tls) {
    return credentials.createSsl(secrets.tls.ca ?? null, secrets.tls.key?.reveal() ?? null, secrets.tls.cert ?? null);
  }
  return endpoints.some((e) => e.startsWith('https:')) ? credentials.createSsl() : credentials.createInsecure();
}

function unary<T>(client: Client, method: string, request: Uint8Array, decode: (b: Buffer) => T, metadata: Metadata, deadline: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    client.makeUnaryRequest(
      method,
      (r: Uint8Array) => Buffer.from(r.buffer, r.byteOffset, r.byteLength),
      decode,
      request,
      metadata,
      { deadline },
      (err, value) => (err ? reject(err) : resolve(value as T)),
    );
  });
}

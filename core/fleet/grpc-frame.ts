/**
 * The gRPC wire format of one unary call over HTTP/2 (grpc/grpc
 * doc/PROTOCOL-HTTP2.md), as far as core/fleet/etcd-range.ts needs it: a
 * message travels as a 5-byte prefix (a compressed flag, then the length,
 * big-endian) and its bytes; the outcome is the `grpc-status` and
 * `grpc-message` trailers (or headers, for an answer that is only trailers).
 * Pure.
 */

/** gRPC status codes by number (the ones etcd answers with, and the rest for messages). */
const STATUS_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

export const GRPC_UNAVAILABLE = 14;

/** A call that ended with a status other than OK; the message reads as grpc-js spells it (`7 PERMISSION_DENIED: etcdserver: permission denied`). */
export class GrpcStatusError extends Error {
  override readonly name = 'GrpcStatusError';
  constructor(
    readonly code: number,
    readonly details: string,
  ) {
    super(`${code} ${STATUS_NAMES[code] ?? 'UNKNOWN'}: ${details}`);
  }
}

/** Pure: one uncompressed message with its 5-byte prefix. */
export function frameMessage(message: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(5 + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  out.set(message, 5);
  return out;
}

/**
 * Pure: the one message of a unary answer's body. Throws when the body is not
 * exactly one uncompressed message (a compressed one was never asked for:
 * the request names no `grpc-accept-encoding`).
 */
export function unframeMessage(body: Buffer): Buffer {
  if (body.length < 5) throw new Error(`the gRPC answer is ${body.length} bytes, shorter than a message prefix`);
  if (body[0] !== 0) throw new Error('the gRPC answer is compressed, which was not asked for');
  const length = body.readUInt32BE(1);
  if (body.length !== 5 + length) throw new Error(`the gRPC answer holds ${body.length - 5} bytes after its prefix, which announces ${length}`);
  return body.subarray(5);
}

/**
 * Pure: the outcome a unary call's trailers (or trailers-only headers) give:
 * undefined for OK, else the error. `grpc-message` is percent-encoded.
 */
export function callStatus(trailers: Readonly<Record<string, string | string[] | undefined>>): GrpcStatusError | undefined {
  const raw = trailers['grpc-status'];
  const code = Number(Array.isArray(raw) ? raw[0] : raw);
  if (raw === undefined || !Number.isInteger(code)) return new GrpcStatusError(2, 'the answer carries no grpc-status');
  if (code === 0) return undefined;
  const message = trailers['grpc-message'];
  const text = Array.isArray(message) ? message.join(',') : (message ?? '');
  let details: string;
  try {
    details = decodeURIComponent(text);
  } catch {
    details = text;
  }
  return new GrpcStatusError(code, details);
}

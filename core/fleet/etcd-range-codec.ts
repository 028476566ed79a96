import protobuf from 'protobufjs/minimal.js';

/**
 * The few etcd v3 messages `ogygia status` exchanges to list a namespace
 * (etcd's rpc.proto: `etcdserverpb.RangeRequest`, `RangeResponse`,
 * `AuthenticateRequest`, `AuthenticateResponse`), encoded and decoded with
 * protobufjs' wire reader and writer. Only the fields a prefix listing needs
 * are read; every other field is skipped by its wire type, so a newer etcd
 * that adds fields still decodes. Pure.
 *
 * Why not the etcd3 client's own decoder: it builds a JavaScript object per
 * key with four 64-bit integers each (revisions, version, lease) and copies
 * keys and values as buffers first; over 30,000 keys that garbage collection
 * alone cost ~100 ms (bench/status-stores.ts), while a listing needs only the
 * two strings.
 */

const { Reader, Writer } = protobuf;

/** The gRPC methods, as paths (rpc.proto: `service KV`, `service Auth`). */
export const RANGE_METHOD = '/etcdserverpb.KV/Range';
export const AUTHENTICATE_METHOD = '/etcdserverpb.Auth/Authenticate';

/** Protobuf wire types, as the low 3 bits of a field tag. */
const LENGTH_DELIMITED = 2;
const VARINT = 0;
const tag = (field: number, wireType: number): number => (field << 3) | wireType;

/** Pure: the end of the key range that holds every key starting with `prefix` (etcd's `--prefix`): the prefix with its last byte below 0xff plus one. */
export function prefixRangeEnd(prefix: Uint8Array): Uint8Array {
  const end = Uint8Array.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  return new Uint8Array([0]); // every byte 0xff (or empty): to the end of the key space, as etcd spells it
}

/** `RangeRequest { key = 1; range_end = 2; serializable = 7; }` for every key in `[key, rangeEnd)`. */
export function encodeRangeRequest(key: Uint8Array, rangeEnd: Uint8Array, opts: { serializable?: boolean } = {}): Uint8Array {
  const w = Writer.create();
  w.uint32(tag(1, LENGTH_DELIMITED)).bytes(key);
  w.uint32(tag(2, LENGTH_DELIMITED)).bytes(rangeEnd);
  if (opts.serializable) w.uint32(tag(7, VARINT)).bool(true);
  return w.finish();
}

export interface RangeResult {
  /** `[key, value]` as UTF-8 text, in etcd's order (by key). */
  readonly kvs: Array<[string, string]>;
  /** etcd's `more`: true when a `limit` cut the answer short (a listing sets none). */
  readonly more: boolean;
  /** etcd's `count`: the number of keys in the range. */
  readonly count: number;
}

/**
 * `RangeResponse { ResponseHeader header = 1; repeated KeyValue kvs = 2; bool more = 3; int64 count = 4; }`
 * with `KeyValue { bytes key = 1; ...; bytes value = 5; ... }`. Throws (protobufjs'
 * RangeError) on a truncated or malformed message.
 */
export function decodeRangeResponse(buf: Uint8Array): RangeResult {
  const kvs: Array<[string, string]> = [];
  const rest = forEachRangeKeyValue(buf, (key, value) => kvs.push([key, value]));
  return { kvs, ...rest };
}

/**
 * Pure but for `visit`: `decodeRangeResponse`, handing each key and value to
 * `visit` in order instead of collecting pairs (a fleet listing folds 30,000
 * of them straight into hosts).
 */
export function forEachRangeKeyValue(buf: Uint8Array, visit: (key: string, value: string) => void): Omit<RangeResult, 'kvs'> {
  const r = Reader.create(buf);
  let more = false;
  let count = 0;
  while (r.pos < r.len) {
    const t = r.uint32();
    switch (t >>> 3) {
      case 2: {
        const end = r.uint32() + r.pos;
        if (end > r.len) throw new RangeError(`a key-value of the etcd answer runs past its end (${end} > ${r.len})`);
        let key = '';
        let value = '';
        while (r.pos < end) {
          const ft = r.uint32();
          const field = ft >>> 3;
          if (field === 1) key = r.string();
          else if (field === 5) value = r.string();
          else r.skipType(ft & 7);
        }
        visit(key, value);
        break;
      }
      case 3:
        more = r.bool();
        break;
      case 4: {
        const c: unknown = r.int64(); // a Long where the long package is installed, else a number
        count = typeof c === 'number' ? c : (c as { toNumber(): number }).toNumber();
        break;
      }
      default:
        r.skipType(t & 7);
    }
  }
  return { more, count };
}

/** `AuthenticateRequest { string name = 1; string password = 2; }`. */
export function encodeAuthenticateRequest(name: string, password: string): Uint8Array {
  const w = Writer.create();
  w.uint32(tag(1, LENGTH_DELIMITED)).string(name);
  w.uint32(tag(2, LENGTH_DELIMITED)).string(password);
  return w.finish();
}

/** `AuthenticateResponse { ResponseHeader header = 1; string token = 2; }`: the token. */
export function decodeAuthenticateResponse(buf: Uint8Array): string {
  const r = Reader.create(buf);
  let token = '';
  while (r.pos < r.len) {
    const t = r.uint32();
    if (t >>> 3 === 2) token = r.string();
    else r.skipType(t & 7);
  }
  return token;
}

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import {
  decodeAuthenticateResponse,
  decodeRangeResponse,
  encodeAuthenticateRequest,
  encodeRangeRequest,
  prefixRangeEnd,
} from './etcd-range-codec.js';

// etcd's own message definitions, as the etcd3 package ships them: the codec
// is checked against what protobufjs makes of the real rpc.proto.
const protoDir = join(dirname(createRequire(import.meta.url).resolve('etcd3/package.json')), 'proto');
const root = new protobuf.Root().loadSync(join(protoDir, 'rpc.proto'), { keepCase: true });
const RangeRequest = root.lookupType('etcdserverpb.RangeRequest');
const RangeResponse = root.lookupType('etcdserverpb.RangeResponse');
const AuthenticateRequest = root.lookupType('etcdserverpb.AuthenticateRequest');
const AuthenticateResponse = root.lookupType('etcdserverpb.AuthenticateResponse');

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('prefixRangeEnd', () => {
  it('is the prefix with its last byte below 0xff plus one, as etcdctl --prefix', () => {
    expect(text(prefixRangeEnd(bytes('/nixos/versions/')))).toBe('/nixos/versions0');
    expect([...prefixRangeEnd(new Uint8Array([0x61, 0xff]))]).toEqual([0x62]);
    expect([...prefixRangeEnd(new Uint8Array([0xff, 0xff]))]).toEqual([0]);
    expect([...prefixRangeEnd(new Uint8Array([]))]).toEqual([0]);
  });
  it('bounds exactly the keys that start with the prefix (byte order)', () => {
    const cmp = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b));
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 4 }), fc.uint8Array({ maxLength: 6 }), (prefix, key) => {
        const end = prefixRangeEnd(prefix);
        const inRange = cmp(key, prefix) >= 0 && (end.length === 1 && end[0] === 0 ? true : cmp(key, end) < 0);
        const starts = key.length >= prefix.length && prefix.every((b, i) => key[i] === b);
        expect(inRange).toBe(starts);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('the etcd range messages', () => {
  it('encodes a RangeRequest etcd reads as key, range_end and serializable', () => {
    const msg = RangeRequest.toObject(RangeRequest.decode(encodeRangeRequest(bytes('/a/'), bytes('/a0'), { serializable: true })));
    expect(text(msg.key)).toBe('/a/');
    expect(text(msg.range_end)).toBe('/a0');
    expect(msg.serializable).toBe(true);
    expect(RangeRequest.toObject(RangeRequest.decode(encodeRangeRequest(bytes('k'), bytes('l')))).serializable).toBeUndefined();
  });

  it("decodes every key and value of a RangeResponse etcd's own schema encodes, skipping the other fields", () => {
    const kv = fc.record({
      key: fc.string({ maxLength: 40 }),
      value: fc.string({ maxLength: 200 }),
      create_revision: fc.integer({ min: 0, max: 2 ** 31 }),
      mod_revision: fc.integer({ min: 0, max: 2 ** 31 }),
      version: fc.integer({ min: 0, max: 1000 }),
      lease: fc.integer({ min: 0, max: 2 ** 31 }),
    });
    fc.assert(
      fc.property(fc.array(kv, { maxLength: 30 }), fc.boolean(), fc.integer({ min: 0, max: 2 ** 40 }), (kvs, more, count) => {
        const wire = RangeResponse.encode(
          RangeResponse.fromObject({
            header: { cluster_id: 7, member_id: 9, revision: 12345, raft_term: 3 },
            kvs: kvs.map((k) => ({ ...k, key: bytes(k.key), value: bytes(k.value) })),
            more,
            count,
          }),
        ).finish();
        expect(decodeRangeResponse(wire)).toEqual({ kvs: kvs.map((k) => [k.key, k.value]), more, count });
      }),
      { numRuns: 300 },
    );
  });

  it('reads an empty range as no keys, and refuses a truncated answer', () => {
    expect(decodeRangeResponse(new Uint8Array())).toEqual({ kvs: [], more: false, count: 0 });
    const wire = RangeResponse.encode(RangeResponse.fromObject({ kvs: [{ key: bytes('/ns/web01/current'), value: bytes('abc') }], count: 1 })).finish();
    expect(() => decodeRangeResponse(wire.subarray(0, wire.length - 3))).toThrow(RangeError);
  });

  it('encodes AuthenticateRequest and reads the token of AuthenticateResponse', () => {
    const req = AuthenticateRequest.toObject(AuthenticateRequest.decode(encodeAuthenticateRequest('web01', 'pässword')));
    expect(req).toEqual({ name: 'web01', password: 'pässword' });
    const res = AuthenticateResponse.encode(AuthenticateResponse.fromObject({ header: { revision: 5 }, token: 'tok.en.123' })).finish();
    expect(decodeAuthenticateResponse(res)).toBe('tok.en.123');
  });
});

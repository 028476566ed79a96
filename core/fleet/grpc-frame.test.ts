import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GrpcStatusError, callStatus, frameMessage, unframeMessage } from './grpc-frame.js';

describe('gRPC message frames', () => {
  it('prefixes a message with an uncompressed flag and its big-endian length', () => {
    expect([...frameMessage(new Uint8Array([7, 8, 9]))]).toEqual([0, 0, 0, 0, 3, 7, 8, 9]);
    expect([...frameMessage(new Uint8Array())]).toEqual([0, 0, 0, 0, 0]);
  });

  it('reads back any message it framed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (m) => {
        expect([...unframeMessage(frameMessage(m))]).toEqual([...m]);
      }),
    );
  });

  it('refuses a body that is not exactly one uncompressed message', () => {
    expect(() => unframeMessage(Buffer.from([0, 0, 0]))).toThrow('shorter than a message prefix');
    expect(() => unframeMessage(Buffer.from([1, 0, 0, 0, 1, 5]))).toThrow('compressed');
    expect(() => unframeMessage(Buffer.from([0, 0, 0, 0, 2, 5]))).toThrow('announces 2');
    expect(() => unframeMessage(Buffer.from([0, 0, 0, 0, 1, 5, 6]))).toThrow('announces 1');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 50 }), fc.integer({ min: 1, max: 4 }), (m, cut) => {
        const framed = frameMessage(m);
        expect(() => unframeMessage(framed.subarray(0, framed.length - cut))).toThrow();
      }),
    );
  });
});

describe('gRPC call status', () => {
  it('is no error for grpc-status 0', () => {
    expect(callStatus({ 'grpc-status': '0' })).toBeUndefined();
  });

  it('reads the code and the percent-encoded message as grpc-js spells them', () => {
    const e = callStatus({ 'grpc-status': '7', 'grpc-message': 'etcdserver: permission denied' });
    expect(e).toBeInstanceOf(GrpcStatusError);
    expect(e?.code).toBe(7);
    expect(e?.message).toBe('7 PERMISSION_DENIED: etcdserver: permission denied');
    expect(callStatus({ 'grpc-status': '3', 'grpc-message': 'etcdserver:%20authentication%20failed%2C%20invalid%20user%20ID%20or%20password' })?.message).toBe(
      '3 INVALID_ARGUMENT: etcdserver: authentication failed, invalid user ID or password',
    );
    expect(callStatus({ 'grpc-status': '14' })?.message).toBe('14 UNAVAILABLE: ');
    expect(callStatus({ 'grpc-status': '99', 'grpc-message': 'odd' })?.message).toBe('99 UNKNOWN: odd');
    expect(callStatus({ 'grpc-status': '13', 'grpc-message': '100%' })?.details).toBe('100%'); // not valid percent-encoding: as it came
  });

  it('is an error when the answer carries no status', () => {
    expect(callStatus({})?.code).toBe(2);
    expect(callStatus({ 'grpc-status': 'x' })?.code).toBe(2);
  });
});

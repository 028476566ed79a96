import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDeliveryLog, deliveryId } from './webhook-deliveries.js';

describe('createDeliveryLog', () => {
  it('fetches a fresh delivery and refuses its replay by id or by body', () => {
    const log = createDeliveryLog({ remember: 100, burst: 10, perMinute: 30 });
    expect(log.judge({ id: 'x-github-delivery:1', bodyDigest: 'a' }, 0)).toEqual({ kind: 'fetch' });
    expect(log.judge({ id: 'x-github-delivery:1', bodyDigest: 'a' }, 1000)).toEqual({ kind: 'replay', by: 'id' });
    // The HMAC does not cover headers: a new id on the same signed body is still a replay.
    expect(log.judge({ id: 'x-github-delivery:2', bodyDigest: 'a' }, 2000)).toEqual({ kind: 'replay', by: 'body' });
    expect(log.judge({ id: undefined, bodyDigest: 'a' }, 3000)).toEqual({ kind: 'replay', by: 'body' });
    expect(log.judge({ id: 'x-github-delivery:3', bodyDigest: 'b' }, 4000)).toEqual({ kind: 'fetch' });
  });

  it('allows a burst, then the steady rate, and says when to retry', () => {
    const log = createDeliveryLog({ remember: 100, burst: 2, perMinute: 6 });
    expect(log.judge({ id: '1', bodyDigest: '1' }, 0).kind).toBe('fetch');
    expect(log.judge({ id: '2', bodyDigest: '2' }, 0).kind).toBe('fetch');
    expect(log.judge({ id: '3', bodyDigest: '3' }, 0)).toEqual({ kind: 'rate-limited', retryAfterSeconds: 10 });
    // A rate-limited delivery is not remembered: the git server's retry is fetched once there is room.
    expect(log.judge({ id: '3', bodyDigest: '3' }, 10_000).kind).toBe('fetch');
  });

  it('forgets the oldest deliveries beyond its memory', () => {
    const log = createDeliveryLog({ remember: 2, burst: 100, perMinute: 6000 });
    for (const k of ['1', '2', '3']) expect(log.judge({ id: k, bodyDigest: k }, 0).kind).toBe('fetch');
    expect(log.judge({ id: '1', bodyDigest: '1' }, 0).kind).toBe('fetch');
    expect(log.judge({ id: '3', bodyDigest: '3' }, 0).kind).toBe('replay');
  });

  it('never fetches more than burst + rate × time, whatever arrives', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.string({ maxLength: 4 })), { maxLength: 200 }), (steps) => {
        const log = createDeliveryLog({ remember: 1000, burst: 3, perMinute: 60 });
        let now = 0;
        let fetched = 0;
        for (const [dt, body] of steps) {
          now += dt;
          if (log.judge({ id: undefined, bodyDigest: body }, now).kind === 'fetch') fetched += 1;
        }
        expect(fetched).toBeLessThanOrEqual(3 + Math.floor(now / 1000));
      }),
    );
  });
});

describe('deliveryId', () => {
  it('reads the id of each git server, namespaced by header', () => {
    expect(deliveryId({ 'x-github-delivery': 'abc' })).toBe('x-github-delivery:abc');
    expect(deliveryId({ 'x-gitea-delivery': ' 7 ' })).toBe('x-gitea-delivery:7');
    expect(deliveryId({ 'x-forgejo-delivery': ['f'] })).toBe('x-forgejo-delivery:f');
    expect(deliveryId({})).toBeUndefined();
    expect(deliveryId({ 'x-github-delivery': '' })).toBeUndefined();
  });
});

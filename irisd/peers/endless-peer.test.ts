import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveHttp, writeEndlessly, type LoopbackHttpServer } from '../../testkit/http-server.js';
import { askPeer } from './lookup.js';
import { refreshPeerFilter } from './filters.js';

// A hostile peer on loopback that answers every request with an endless body:
// irisd reads no more than its caps (64 KiB narinfo, 32 MiB filter) and moves on.

let server: LoopbackHttpServer;
let peer: string;

beforeAll(async () => {
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  server = await serveHttp((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/x-nix-narinfo' });
    writeEndlessly(res, chunk);
  });
  peer = server.url;
});
afterAll(() => server.stop());

describe('an endless peer', () => {
  it('gives a bad narinfo answer after at most the 64 KiB cap', async () => {
    const a = await askPeer(peer, '0'.repeat(32), [], 10_000);
    expect(a).toEqual({ kind: 'bad', peer, reason: 'narinfo larger than 64 KiB' });
  });

  it('leaves its filter unusable and the peer marked unreachable, with the reason', async () => {
    const s = await refreshPeerFilter({ url: peer, reachable: true }, 10_000, Date.now());
    expect(s.reachable).toBe(false);
    expect(s.filter).toBeUndefined();
    expect(s.lastError).toMatch(/over 33554432 bytes/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveHttp, writeEndlessly, type LoopbackHttpServer } from '../testkit/http-server.js';
import { readBodyCapped } from './bounded-body.js';

// A real HTTP server on loopback: an endless body, a lying Content-Length and
// a small honest one. The reader must stop at the cap and cancel the stream.

let server: LoopbackHttpServer;
let base: string;
let endlessClosed = 0;
const chunk = Buffer.alloc(64 * 1024, 0x20);

beforeAll(async () => {
  server = await serveHttp((req, res) => {
    if (req.url === '/endless') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.on('close', () => (endlessClosed += 1));
      writeEndlessly(res, chunk);
      return;
    }
    if (req.url === '/declared') {
      res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
      res.write('x');
      return; // never finishes: the declared length alone must refuse it
    }
    res.end('hello');
  });
  base = server.url;
});
afterAll(() => server.stop());

describe('readBodyCapped', () => {
  it('reads a body within the cap', async () => {
    expect(await readBodyCapped(await fetch(`${base}/small`), 1024, 'the answer')).toBe('hello');
  });

  it('stops an endless body at the cap and cancels it', async () => {
    const err = await readBodyCapped(await fetch(`${base}/endless`), 256 * 1024, "peer's narinfo").catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'OversizeError', data: { what: "peer's narinfo", limit: 256 * 1024 } });
    expect((err as { data: { bytes: number } }).data.bytes).toBeLessThan(256 * 1024 + chunk.length * 2);
    await expect.poll(() => endlessClosed, { timeout: 10_000 }).toBe(1);
  });

  it('refuses a declared Content-Length over the cap without reading', async () => {
    const err = await readBodyCapped(await fetch(`${base}/declared`), 1024, 'the filter').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'OversizeError', data: { bytes: 10 * 1024 * 1024 } });
    expect((err as Error).message).toContain('declared');
  });
});

import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningReconciler } from '../reconciler/main.js';
import { createChannelsRepo } from '../testkit/channel-repo.js';
import { eventually } from '../testkit/eventually.js';
import { startTestIrisd, type TestIrisd } from '../testkit/irisd.js';
import { testKey } from '../testkit/keys.js';
import { startTestReconciler } from '../testkit/reconciler-harness.js';
import { ReleaseChain, type Built } from '../testkit/release-chain.js';
import { makeTempDir } from '../testkit/tmp.js';

// DESIGN.md §15: a stalled client costs a socket for a bounded time. A real
// reconciler with short [http] limits: an idle connection and a half-sent
// request are closed, while a long-poll outlives the idle timeout.

/**
 * A raw connection that sends `send` once connected. With `allowHalfOpen` it does not answer the server's FIN
 * with its own (`ended()` says the FIN came), so only the server can close it.
 */
function open(url: string, send?: string, opts: { allowHalfOpen?: boolean } = {}): Promise<{ socket: Socket; closed: () => boolean; ended: () => boolean; data: () => string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    let closed = false;
    let ended = false;
    let data = '';
    const socket = connect({ port: Number(u.port), host: u.hostname, allowHalfOpen: opts.allowHalfOpen ?? false }, () => {
      if (send !== undefined) socket.write(send);
      resolve({ socket, closed: () => closed, ended: () => ended, data: () => data });
    });
    socket.on('data', (d) => (data += d.toString()));
    socket.on('end', () => (ended = true));
    socket.on('close', () => (closed = true));
    socket.on('error', () => (closed = true));
    socket.once('error', reject);
  });
}

describe('reconciler HTTP limits', () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  let rec: RunningReconciler;
  let head: Built;

  beforeAll(async () => {
    tmp = await makeTempDir('ogygia-http-limits-');
    const repo = await createChannelsRepo(tmp.path);
    head = new ReleaseChain('dev', [testKey('test-only-ops-1')]).next();
    await repo.publish('dev', head.text);
    rec = await startTestReconciler({
      source: repo.bare,
      stateDir: join(tmp.path, 'state'),
      extra: { http: { header_timeout_seconds: 1, request_timeout_seconds: 1, idle_timeout_seconds: 2, max_connections: 100 } },
    });
  });
  afterAll(async () => {
    await rec?.stop();
    await tmp?.cleanup();
  });

  it('closes a connection that sends nothing', async () => {
    const c = await open(rec.url);
    await eventually(async () => (c.closed() ? true : undefined), 'the idle connection to be closed', 15_000, 100);
    expect(c.data() === '' || c.data().startsWith('HTTP/1.1 408 ')).toBe(true);
  });

  it('closes a connection whose request headers never finish', async () => {
    const c = await open(rec.url, 'GET /v1/channels HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    await eventually(async () => (c.closed() ? true : undefined), 'the half-sent request to be closed', 15_000, 100);
    expect(c.data() === '' || c.data().startsWith('HTTP/1.1 408 ')).toBe(true);
  });

  it('keeps a long-poll open past the idle timeout and answers it', async () => {
    const c = await open(rec.url, `GET /v1/channels/dev?wait=4 HTTP/1.1\r\nHost: 127.0.0.1\r\nIf-None-Match: "${head.digest}"\r\n\r\n`);
    await eventually(async () => (c.data().includes('\r\n\r\n') || c.closed() ? true : undefined), 'the long-poll to be answered', 20_000, 100);
    expect(c.data()).toMatch(/^HTTP\/1\.1 304 /);
    c.socket.destroy();
  });
});

// irisd answers the cache info and narinfos on the socket before node:http sees them (irisd/fast-path.ts), and
// hands a connection to node:http at the first request it does not take: the same limits must hold on both.
describe('irisd HTTP limits', () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  let irisd: TestIrisd;

  beforeAll(async () => {
    tmp = await makeTempDir('ogygia-http-limits-irisd-');
    irisd = await startTestIrisd({
      dir: tmp.path,
      name: 'limits',
      root: join(tmp.path, 'store'),
      trustedKeys: [],
      server: 'header_timeout_seconds = 1\nrequest_timeout_seconds = 1\nidle_timeout_seconds = 2\nmax_connections = 100',
    });
  });
  afterAll(async () => {
    await irisd?.proc.stop();
    await tmp?.cleanup();
  });

  it('closes a connection whose request headers never finish', async () => {
    const c = await open(irisd.url, 'GET /nix-cache-info HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    await eventually(async () => (c.closed() ? true : undefined), 'the half-sent request to be closed', 15_000, 100);
    expect(c.data() === '' || c.data().startsWith('HTTP/1.1 408 ')).toBe(true);
  });

  it('answers a narinfo it knows at once on a keep-alive connection, then closes it when idle', async () => {
    const c = await open(irisd.url, `GET /${'0'.repeat(32)}.narinfo HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    await eventually(async () => (c.data().includes('not found') ? true : undefined), 'the bloom-negative answer', 15_000, 50);
    expect(c.data()).toMatch(/^HTTP\/1\.1 404 /);
    expect(c.data().toLowerCase()).toContain('x-iris-miss: bloom-negative');
    expect(c.closed()).toBe(false);
    await eventually(async () => (c.closed() ? true : undefined), 'the idle connection to be closed', 15_000, 100);
  });

  it('closes a connection after Connection: close even when the client keeps its side open', async () => {
    // allowHalfOpen: the client does not answer irisd's FIN with its own, so only irisd's timeout can end it.
    const c = await open(irisd.url, `GET /${'0'.repeat(32)}.narinfo HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`, { allowHalfOpen: true });
    await eventually(async () => (c.ended() ? true : undefined), "irisd's FIN after the answer", 15_000, 50);
    expect(c.data()).toMatch(/^HTTP\/1\.1 404 [^]*\r\nConnection: close\r\n/);
    // Until irisd closes its end, what the client sends is read and dropped; after, the kernel answers with a reset.
    c.socket.write('x');
    await new Promise((r) => setTimeout(r, 50));
    expect(c.closed()).toBe(false);
    await eventually(
      async () => {
        if (!c.closed()) c.socket.write('x');
        return c.closed() ? true : undefined;
      },
      'the half-closed connection to be closed',
      15_000,
      100,
    );
  });
});

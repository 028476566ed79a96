import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { HostKey } from '../../core/host-key.js';
import { publicKeyOfSeed } from '../../core/keys.js';
import { verifyReport } from '../../core/report-signing.js';
import { rebootSlotRequestSchema } from '../../core/wire/reboot-slot.js';
import { serveHttp, type LoopbackHttpServer } from '../../testkit/http-server.js';
import { createSlotClient } from './slot-client.js';

// The agent's side of POST /v1/hosts/:host/reboot-slot against a real HTTP
// server playing the reconciler: what it sends, and that anything but a
// well-formed grant is "do not reboot".

const D = 'sha256:' + 'd'.repeat(64);
const seed = new Uint8Array(32).fill(7);
const hostKey: HostKey = { seed, publicKey: publicKeyOfSeed(seed) };
const servers: LoopbackHttpServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});

interface Seen {
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

async function reconciler(answer: { status: number; body: string; headers?: Record<string, string> }): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const s = await serveHttp((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body: JSON.parse(text) });
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body);
    });
  });
  servers.push(s);
  return { url: s.url, seen };
}

const GRANT = JSON.stringify({ granted: true, channel: 'prod', holders: ['web01'], max: 1, expiresAt: '2026-11-27T03:30:00.000Z' });

describe('createSlotClient', () => {
  it('sends a signed, numbered request for the channel and digest, and takes a grant', async () => {
    const r = await reconciler({ status: 200, body: GRANT });
    let n = 41;
    const client = createSlotClient({ baseUrl: r.url, host: 'web01', hostKey, seq: { next: async () => ++n }, timeoutMs: 5000, now: () => new Date('2026-11-27T03:00:00.123Z') });
    expect(await client.ask('prod', D)).toEqual({ granted: true });
    const [req] = r.seen;
    expect(req!.url).toBe('/v1/hosts/web01/reboot-slot');
    expect(req!.body).toEqual({ host: 'web01', channel: 'prod', digest: D, requestedAt: '2026-11-27T03:00:00Z', seq: 42 });
    expect(rebootSlotRequestSchema.safeParse(req!.body).success).toBe(true);
    expect(verifyReport(req!.body, String(req!.headers['ogygia-signature']), hostKey.publicKey, 'reboot-slot')).toBe(true);
  });

  it('is not granted on a 429 (with its Retry-After), another status, a body off the schema, or no answer', async () => {
    const busy = await reconciler({ status: 429, body: JSON.stringify({ code: 'RebootSlotBusyError', message: 'busy' }), headers: { 'retry-after': '30' } });
    expect(await createSlotClient({ baseUrl: busy.url, host: 'web02', timeoutMs: 5000 }).ask('prod', D)).toEqual({
      granted: false,
      retryAfterSeconds: 30,
      reason: 'HTTP 429: busy [RebootSlotBusyError]',
    });
    const odd = await reconciler({ status: 200, body: '{"granted":"yes"}' });
    expect(await createSlotClient({ baseUrl: odd.url, host: 'web02', timeoutMs: 5000 }).ask('prod', D)).toMatchObject({ granted: false });
    const html = await reconciler({ status: 200, body: '<html>proxy</html>' });
    expect(await createSlotClient({ baseUrl: html.url, host: 'web02', timeoutMs: 5000 }).ask('prod', D)).toMatchObject({ granted: false });
    const gone = await reconciler({ status: 200, body: GRANT });
    await servers.pop()!.stop();
    expect(await createSlotClient({ baseUrl: gone.url, host: 'web02', timeoutMs: 5000 }).ask('prod', D)).toMatchObject({ granted: false });
  });
});

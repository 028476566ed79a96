import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storePathHash } from '../core/store-path.js';
import { eventually } from '../testkit/eventually.js';
import { startTestIrisd, type TestIrisd } from '../testkit/irisd.js';
import { buildChain, copyIntoStore, nixKeyPair, requireNix } from '../testkit/nix.js';
import { packagePath } from '../testkit/store-paths.js';
import { makeTempDir } from '../testkit/tmp.js';

// irisd/fast-path.ts answers the cache info and narinfos on the socket, node:http everything else, on one
// connection. Real irisds over real Nix stores: B holds a closure, A has B as its peer. Every request here
// goes over a raw TCP connection, so the test decides what shares a connection and what is pipelined.

let tmp: { path: string; cleanup: () => Promise<void> };
let A: TestIrisd;
let B: TestIrisd;
let chain: { top: string; closure: string[] };
let other: { top: string; closure: string[] };
let third: { top: string; closure: string[] };
let absent: string;

interface Response {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** A raw connection: send bytes, read whole responses (each has a Content-Length), see when it closes. */
interface Conn {
  readonly socket: Socket;
  send(text: string): void;
  responses(n: number): Promise<Response[]>;
  closed(): boolean;
  /** irisd's FIN has arrived. */
  ended(): boolean;
}

function open(url: string, opts: { allowHalfOpen?: boolean } = {}): Promise<Conn> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    let closed = false;
    let ended = false;
    const parsed: Response[] = [];
    let waiter: (() => void) | undefined;
    const parse = (): void => {
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const [statusLine, ...lines] = buf.toString('latin1', 0, end).split('\r\n');
        const headers = new Map(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()] as const));
        const length = Number(headers.get('content-length'));
        if (!Number.isInteger(length)) throw new Error(`a response without a Content-Length: ${statusLine}`);
        if (buf.length < end + 4 + length) return;
        parsed.push({ status: Number(statusLine!.split(' ')[1]), headers, body: buf.toString('utf8', end + 4, end + 4 + length) });
        buf = buf.subarray(end + 4 + length);
      }
    };
    const socket = connect({ port: Number(u.port), host: u.hostname, allowHalfOpen: opts.allowHalfOpen ?? false }, () =>
      resolve({
        socket,
        send: (text) => socket.write(text),
        closed: () => closed,
        ended: () => ended,
        async responses(n) {
          while (parsed.length < n) {
            if (closed) throw new Error(`the connection closed after ${parsed.length} of ${n} responses`);
            await new Promise<void>((r) => (waiter = r));
          }
          return parsed.splice(0, n);
        },
      }),
    );
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      parse();
      waiter?.();
    });
    socket.on('end', () => (ended = true));
    socket.on('close', () => {
      closed = true;
      waiter?.();
    });
    socket.once('error', reject);
  });
}

const get = (path: string, headers = ''): string => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n`;
const narinfo = (storePath: string): string => `/${storePathHash(storePath)}.narinfo`;

/** One request on a connection of its own. */
async function once(url: string, path: string): Promise<Response> {
  const c = await open(url);
  c.send(get(path));
  const [r] = await c.responses(1);
  c.socket.destroy();
  return r!;
}

async function fastPath(url: string): Promise<{ answered: number; handedOff: number }> {
  return (await once(url, '/healthz').then((r) => JSON.parse(r.body) as { fastPath: { answered: number; handedOff: number } })).fastPath;
}

beforeAll(async () => {
  await requireNix();
  tmp = await makeTempDir('ogygia-irisd-fast-path-');
  const key = await nixKeyPair(tmp.path, 'fast-1');
  const salt = `${process.pid}-${Date.now()}`;
  chain = await buildChain(join(tmp.path, 'b'), { name: 'fastpath', length: 3, salt, bytes: 64 });
  other = await buildChain(join(tmp.path, 'b'), { name: 'fastpath-other', length: 1, salt, bytes: 64 });
  third = await buildChain(join(tmp.path, 'b'), { name: 'fastpath-third', length: 1, salt, bytes: 64 });
  await copyIntoStore(join(tmp.path, 'sB'), [chain.top, other.top, third.top], key.secretFile);
  B = await startTestIrisd({ dir: tmp.path, name: 'b', root: join(tmp.path, 'sB'), trustedKeys: [key.publicKey] });
  A = await startTestIrisd({ dir: tmp.path, name: 'a', root: join(tmp.path, 'sA'), trustedKeys: [key.publicKey], peers: [B.url] });
  // An absent path B's filter rules out (not a false positive), for A's bloom negatives.
  for (let i = 0; !absent; i++) {
    const p = narinfo(packagePath(`fast-absent-${i}`));
    if ((await once(A.url, p)).headers.get('x-iris-miss') === 'bloom-negative') absent = p;
  }
});

afterAll(async () => {
  await A?.proc.stop();
  await B?.proc.stop();
  await tmp?.cleanup();
});

describe('irisd fast path', () => {
  it('answers exactly as node:http does: the cache info, a local hit, a bloom negative', async () => {
    const cases: [TestIrisd, string][] = [
      [B, '/nix-cache-info'],
      [B, narinfo(chain.top)],
      [A, absent],
    ];
    for (const [server, path] of cases) {
      const before = await fastPath(server.url);
      const fast = await once(server.url, path);
      // A query string is not a plain GET: node:http and the route answer it, the same request otherwise.
      const routed = await once(server.url, `${path}?via=fastify`);
      const after = await fastPath(server.url);
      // The healthz requests count as hand-offs too (two of them, and the routed request).
      expect(after.answered - before.answered, path).toBe(1);
      expect(after.handedOff - before.handedOff, path).toBe(2);
      const without = (h: Map<string, string>) => [...h].filter(([k]) => k !== 'date').sort();
      expect(fast.status).toBe(routed.status);
      expect(without(fast.headers)).toEqual(without(routed.headers));
      expect(fast.body).toBe(routed.body);
      expect(fast.headers.get('date')).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    }
    expect((await once(B.url, narinfo(chain.top))).body).toContain(`StorePath: ${chain.top}\n`);
  });

  it('keeps answers in order across a peer lookup and a hand-off on one pipelined connection', async () => {
    const c = await open(A.url);
    const [top, middle] = [chain.closure.find((p) => p === chain.top)!, chain.closure.find((p) => p !== chain.top)!];
    // A has never seen these: the first needs a peer round (answered later), the rest must wait their turn.
    c.send(get(narinfo(top)) + get(absent) + get('/iris/v1/peers') + get(narinfo(middle)) + get('/nix-cache-info'));
    const rs = await c.responses(5);
    expect(rs.map((r) => r.status)).toEqual([200, 404, 200, 200, 200]);
    expect(rs[0]!.headers.get('x-iris-source')).toBe('peer');
    expect(rs[0]!.body).toContain(`StorePath: ${top}\n`);
    expect(rs[1]!.headers.get('x-iris-miss')).toBe('bloom-negative');
    expect(JSON.parse(rs[2]!.body)).toEqual([expect.objectContaining({ url: B.url, reachable: true })]);
    expect(rs[3]!.body).toContain(`StorePath: ${middle}\n`);
    expect(rs[4]!.body).toContain('StoreDir: /nix/store');
    // node:http has the connection now, and keeps it.
    c.send(get(absent));
    expect((await c.responses(1))[0]!.headers.get('x-iris-miss')).toBe('bloom-negative');
    expect(c.closed()).toBe(false);
    c.socket.destroy();
  });

  it('reads on after a peer lookup that ends what was pipelined', async () => {
    const c = await open(A.url);
    c.send(get(narinfo(other.top)) + get(absent));
    const rs = await c.responses(2);
    expect(rs.map((r) => [r.status, r.headers.get('x-iris-source') ?? r.headers.get('x-iris-miss')])).toEqual([
      [200, 'peer'],
      [404, 'bloom-negative'],
    ]);
    // Still the fast path's connection (nothing was handed off), and still read.
    c.send(get('/nix-cache-info'));
    expect((await c.responses(1))[0]!.body).toContain('StoreDir: /nix/store');
    c.socket.destroy();
  });

  it('answers a client that sends its requests and its FIN at once, then closes', async () => {
    const c = await open(A.url, { allowHalfOpen: true });
    c.send(get(narinfo(third.top)) + get(absent));
    c.socket.end();
    const rs = await c.responses(2);
    expect(rs.map((r) => r.status)).toEqual([200, 404]);
    expect(rs[0]!.headers.get('x-iris-source')).toBe('peer');
    // irisd's FIN follows the last answer (the idle timeout is 60 s: this is not it).
    await eventually(async () => (c.ended() ? true : undefined), "irisd's FIN", 20_000, 20);
    c.socket.destroy();
  });

  it('gives every answer, in order, to a client that sends thousands before it reads', async () => {
    const c = await open(B.url);
    c.socket.pause();
    const n = 4000;
    const paths = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? narinfo(chain.top) : '/nix-cache-info'));
    c.send(paths.map((p) => get(p)).join('') + get('/healthz'));
    // Long enough for both sides' socket buffers to fill and irisd to stop reading.
    await new Promise((r) => setTimeout(r, 300));
    c.socket.resume();
    const rs = await c.responses(n + 1);
    for (const [i, r] of rs.slice(0, n).entries()) {
      expect(r.status).toBe(200);
      expect(r.body.startsWith(i % 2 === 0 ? 'StorePath: ' : 'StoreDir: ')).toBe(true);
    }
    expect(JSON.parse(rs[n]!.body)).toMatchObject({ ok: true });
    c.socket.destroy();
  });

  it('closes after an answer to Connection: close, and reads nothing after it', async () => {
    const c = await open(A.url);
    c.send(get(absent, 'Connection: close\r\n') + get('/nix-cache-info'));
    const [r] = await c.responses(1);
    expect(r!.headers.get('connection')).toBe('close');
    await eventually(async () => (c.closed() ? true : undefined), 'the connection to close', 10_000, 20);
  });
});

describe('irisd stopping', () => {
  it('stops at once while a client holds a kept-alive connection on the fast path', async () => {
    const C = await startTestIrisd({ dir: tmp.path, name: 'c', root: join(tmp.path, 'sC'), trustedKeys: [] });
    const c = await open(C.url);
    c.send(get('/nix-cache-info'));
    await c.responses(1);
    expect(c.closed()).toBe(false);
    // The idle timeout is 60 s and the stop grace 10 s: exit 0 means irisd closed this connection itself.
    await C.proc.stop();
    expect(C.proc.child.exitCode).toBe(0);
    expect(c.closed()).toBe(true);
  });
});

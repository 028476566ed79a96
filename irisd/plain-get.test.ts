import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_HEAD, leadingPlainGets } from './plain-get.js';

const HASH = '0123456789abcdfghijklmnpqrsvwxyz';
const HASH2 = 'zyxwvsrqpnmlkjihgfdcba9876543210';
const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
const get = (hash: string, headers = 'Host: cache\r\n'): string => `GET /${hash}.narinfo HTTP/1.1\r\n${headers}\r\n`;
const read = (s: string) => leadingPlainGets(bytes(s));

describe('leadingPlainGets: literal cases', () => {
  it('reads a narinfo GET and the cache info', () => {
    const one = get(HASH, 'Host: 127.0.0.1:5000\r\nUser-Agent: curl/8.5.0 Nix/2.24.9\r\nAccept: */*\r\n');
    expect(read(one)).toEqual({ requests: [{ hash: HASH, hop: false, close: false, end: one.length }], consumed: one.length });
    const info = 'GET /nix-cache-info HTTP/1.1\r\nhost: x\r\n\r\n';
    expect(read(info)).toEqual({ requests: [{ hash: undefined, hop: false, close: false, end: info.length }], consumed: info.length });
  });

  it('reads pipelined requests in order, with the hop header and Connection: close', () => {
    const a = get(HASH, 'Host: a\r\nX-Iris-Hop: 1\r\n');
    const b = get(HASH2, 'Host: a\r\nx-iris-hop:\r\n');
    const c = get(HASH, 'Host: a\r\nConnection: keep-alive, Close\r\n');
    const after = get(HASH2);
    const r = read(a + b + c + after);
    expect(r.requests.map((q) => [q.hash, q.hop, q.close])).toEqual([
      [HASH, true, false],
      [HASH2, true, false],
      [HASH, false, true],
    ]);
    // Nothing after Connection: close is read.
    expect(r.consumed).toBe(a.length + b.length + c.length);
  });

  it('stops at the first request it does not take, and at one not fully arrived', () => {
    const plain = get(HASH);
    const post = 'POST /iris/v1/push HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}';
    expect(read(plain + post)).toMatchObject({ consumed: plain.length });
    expect(read(plain + post).requests).toHaveLength(1);
    expect(read(plain + plain.slice(0, 20))).toMatchObject({ consumed: plain.length });
  });

  const notTaken: Record<string, string> = {
    'HEAD': `HEAD /${HASH}.narinfo HTTP/1.1\r\nHost: a\r\n\r\n`,
    'a query string': `GET /${HASH}.narinfo?x=1 HTTP/1.1\r\nHost: a\r\n\r\n`,
    'HTTP/1.0': `GET /${HASH}.narinfo HTTP/1.0\r\nHost: a\r\n\r\n`,
    'a hash with e': get(HASH.replace('a', 'e')),
    'an upper-case hash': get(HASH.toUpperCase()),
    'a 31-character hash': get(HASH.slice(1)),
    'a NAR': `GET /nar/${HASH}.nar HTTP/1.1\r\nHost: a\r\n\r\n`,
    'no Host': get(HASH, 'Accept: */*\r\n'),
    'two Host headers': get(HASH, 'Host: a\r\nHost: b\r\n'),
    'Content-Length: 0': get(HASH, 'Host: a\r\nContent-Length: 0\r\n'),
    'Transfer-Encoding': get(HASH, 'Host: a\r\ntransfer-encoding: chunked\r\n'),
    'Expect': get(HASH, 'Host: a\r\nExpect: 100-continue\r\n'),
    'Upgrade': get(HASH, 'Host: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'),
    'Connection: upgrade': get(HASH, 'Host: a\r\nConnection: upgrade\r\n'),
    'a folded header': get(HASH, 'Host: a\r\nX-A: b\r\n  c\r\n'),
    'a space before the colon': get(HASH, 'Host : a\r\n'),
    'an empty header name': get(HASH, 'Host: a\r\n: b\r\n'),
    'a non-ASCII value': get(HASH, 'Host: a\r\nX-A: caf\xe9\r\n'),
    'a control byte in a value': get(HASH, 'Host: a\r\nX-A: a\x01b\r\n'),
    'bare LF line ends': `GET /${HASH}.narinfo HTTP/1.1\nHost: a\n\n`,
    'a CR without LF': get(HASH, 'Host: a\rX-A: b\r\n'),
    'no empty line yet': `GET /${HASH}.narinfo HTTP/1.1\r\nHost: a\r\n`,
    'headers longer than MAX_HEAD': get(HASH, `Host: a\r\nX-A: ${'a'.repeat(MAX_HEAD)}\r\n`),
  };
  for (const [what, request] of Object.entries(notTaken)) {
    it(`leaves ${what} to node:http`, () => {
      expect(read(request)).toEqual({ requests: [], consumed: 0 });
      // ... and any plain request after it too.
      expect(read(request + get(HASH))).toEqual({ requests: [], consumed: 0 });
    });
  }
});

/** A request as a list of header lines, and what the reader must make of it. */
const headerName = fc.constantFrom('Host', 'host', 'HOST', 'X-Iris-Hop', 'x-iris-hop', 'Connection', 'connection', 'Content-Length', 'Transfer-Encoding', 'Expect', 'Upgrade', 'Accept', 'User-Agent', 'X-Forwarded-For', 'Hostname');
const headerValue = fc.constantFrom('', '1', 'close', 'keep-alive', 'Keep-Alive, close', ' x ', 'upgrade', '*/*', 'a\tb');
const request = fc.record({
  target: fc.option(fc.stringMatching(/^[0-9a-df-np-sv-z]{32}$/), { nil: undefined }),
  headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 6 }),
});
type Request = { target: string | undefined; headers: [string, string][] };

const serialize = (r: Request): string =>
  `GET /${r.target === undefined ? 'nix-cache-info' : `${r.target}.narinfo`} HTTP/1.1\r\n${r.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;

/** The rule, written plainly: what node:http would see, and whether it is plain enough to answer here. */
function model(r: Request): { hash: string | undefined; hop: boolean; close: boolean } | undefined {
  const named = (n: string) => r.headers.filter(([k]) => k.toLowerCase() === n);
  if (named('host').length !== 1) return undefined;
  if (['content-length', 'transfer-encoding', 'expect', 'upgrade'].some((n) => named(n).length > 0)) return undefined;
  const tokens = named('connection').flatMap(([, v]) => v.split(',').map((t) => t.trim().toLowerCase()));
  if (tokens.includes('upgrade')) return undefined;
  return { hash: r.target, hop: named('x-iris-hop').length > 0, close: tokens.includes('close') };
}

describe('leadingPlainGets: properties', () => {
  it('takes exactly the requests the rule allows, with the right hash, hop and close', () => {
    fc.assert(
      fc.property(request, (r) => {
        const text = serialize(r);
        const want = model(r);
        const got = read(text);
        expect(got).toEqual(want ? { requests: [{ ...want, end: text.length }], consumed: text.length } : { requests: [], consumed: 0 });
      }),
    );
  });

  it('reads pipelined requests up to the first it leaves, or the first close', () => {
    fc.assert(
      fc.property(fc.array(request, { maxLength: 6 }), (rs) => {
        const texts = rs.map(serialize);
        const got = read(texts.join(''));
        let end = 0;
        let expected = 0;
        for (const [i, r] of rs.entries()) {
          const want = model(r);
          if (!want) break;
          end += texts[i]!.length;
          expect(got.requests[expected]).toEqual({ ...want, end });
          expected++;
          if (want.close) break;
        }
        expect(got.requests).toHaveLength(expected);
        expect(got.consumed).toBe(end);
      }),
    );
  });

  it('answers nothing from a request that has not fully arrived', () => {
    fc.assert(
      fc.property(request, fc.nat(), (r, cut) => {
        const text = serialize(r);
        expect(read(text.slice(0, cut % text.length))).toEqual({ requests: [], consumed: 0 });
      }),
    );
  });

  it('never throws on arbitrary bytes, and what it takes ends where the next begins', () => {
    const noise = fc.oneof(fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)), fc.array(request, { maxLength: 3 }).chain((rs) => fc.nat(400).map((n) => bytes(rs.map(serialize).join('')).subarray(0, n))));
    fc.assert(
      fc.property(noise, (b) => {
        const got = leadingPlainGets(b);
        let at = 0;
        for (const q of got.requests) {
          expect(q.end).toBeGreaterThan(at);
          at = q.end;
        }
        expect(got.consumed).toBe(at);
        expect(got.consumed).toBeLessThanOrEqual(b.length);
      }),
    );
  });
});

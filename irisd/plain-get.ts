/**
 * The requests irisd answers without node:http (irisd/fast-path.ts): a complete, plain
 * `GET /<hash>.narinfo HTTP/1.1` or `GET /nix-cache-info HTTP/1.1`, what a Nix client asks a binary cache
 * before it downloads anything. Pure: bytes in, the leading requests it fully understands out, and where
 * the first one it does not understand (or that has not fully arrived) starts. Everything from there on is
 * node:http's, so whatever this reader does not recognise is never refused here, only passed on.
 *
 * Recognised: exactly `GET /` + 32 nix32 characters + `.narinfo HTTP/1.1` (or `GET /nix-cache-info HTTP/1.1`),
 * then header lines of a token, a colon and visible ASCII, spaces or tabs, ending in an empty line within
 * MAX_HEAD bytes; one `Host` header; no body (`Content-Length`, `Transfer-Encoding`), no `Expect`, no `Upgrade`. Anything else (a query string,
 * HEAD, HTTP/1.0, a folded or non-ASCII header, a missing Host) goes to node:http, which answers it as before.
 */
export interface PlainGet {
  /** The 32-character store path hash asked for; undefined for `/nix-cache-info`. */
  readonly hash: string | undefined;
  /** Another irisd asking (the `x-iris-hop` header is present): answer from this host only. */
  readonly hop: boolean;
  /** `Connection: close`: answer, then close; nothing after it is read. */
  readonly close: boolean;
  /** Where it ends in the chunk: the next request (or the end of the plain ones) starts here. */
  readonly end: number;
}

export interface PlainGets {
  readonly requests: PlainGet[];
  /** Bytes of the chunk those requests take; the rest (if any) is for node:http. */
  readonly consumed: number;
}

/** The longest request line and headers answered here (node:http's own limit is 16 KiB). */
export const MAX_HEAD = 8192;

const PREFIX = Buffer.from('GET /', 'latin1');
const SUFFIX = Buffer.from('.narinfo HTTP/1.1\r\n', 'latin1');
const HASH_LENGTH = 32;
const LINE_LENGTH = PREFIX.length + HASH_LENGTH + SUFFIX.length;
const CACHE_INFO = Buffer.from('GET /nix-cache-info HTTP/1.1\r\n', 'latin1');
const END = Buffer.from('\r\n\r\n', 'latin1');

const CR = 0x0d;
const LF = 0x0a;
const COLON = 0x3a;

/** nix32's alphabet: digits and lower-case letters without e, o, t, u. */
const NIX32 = new Uint8Array(256);
for (const c of '0123456789abcdfghijklmnpqrsvwxyz') NIX32[c.charCodeAt(0)] = 1;

/** RFC 9110 tchar, the bytes of a header name. */
const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") TCHAR[c.charCodeAt(0)] = 1;

/** Header value bytes taken here: tab, space, visible ASCII (obs-text and controls go to node:http). */
const VALUE = new Uint8Array(256);
VALUE[0x09] = 1;
for (let b = 0x20; b <= 0x7e; b++) VALUE[b] = 1;

/** What a header name means here; names not listed change nothing. */
const enum Name {
  Other,
  Host,
  Connection,
  Hop,
  /** A request with a body or a protocol change: node:http's. */
  Foreign,
}

const NAMES = new Map<string, Name>([
  ['host', Name.Host],
  ['connection', Name.Connection],
  ['x-iris-hop', Name.Hop],
  ['content-length', Name.Foreign],
  ['transfer-encoding', Name.Foreign],
  ['expect', Name.Foreign],
  ['upgrade', Name.Foreign],
]);
/** No name in NAMES is longer; a longer header needs no lower-casing to be an Other. */
const LONGEST_NAME = Math.max(...[...NAMES.keys()].map((n) => n.length));

/** The plain GETs at the start of `chunk`, up to the first that is not one (or has not fully arrived). */
export function leadingPlainGets(chunk: Buffer): PlainGets {
  const requests: PlainGet[] = [];
  let at = 0;
  while (at < chunk.length) {
    const r = readOne(chunk, at);
    if (!r) break;
    requests.push(r);
    at = r.end;
    if (r.close) break;
  }
  return { requests, consumed: at };
}

function readOne(b: Buffer, start: number): PlainGet | undefined {
  const line = requestLine(b, start);
  if (!line) return undefined;
  const headersAt = line.end;
  // The empty line, found from the request line's CRLF so that a request with no headers is seen too.
  const blank = b.indexOf(END, headersAt - 2);
  if (blank < 0 || blank + END.length - start > MAX_HEAD) return undefined;

  let host = 0;
  let hop = false;
  let close = false;
  let at = headersAt;
  while (at < blank + 2) {
    // One header line: at .. eol (exclusive), then CRLF.
    let colon = -1;
    let eol = at;
    for (; b[eol] !== CR; eol++) {
      const c = b[eol]!;
      if (colon < 0) {
        if (c === COLON) colon = eol;
        else if (TCHAR[c] === 0) return undefined;
      } else if (VALUE[c] === 0) return undefined;
    }
    if (b[eol + 1] !== LF || colon <= at) return undefined;
    const kind = colon - at > LONGEST_NAME ? Name.Other : (NAMES.get(b.toString('latin1', at, colon).toLowerCase()) ?? Name.Other);
    switch (kind) {
      case Name.Foreign:
        return undefined;
      case Name.Host:
        host++;
        break;
      case Name.Hop:
        hop = true;
        break;
      case Name.Connection: {
        for (const token of b.toString('latin1', colon + 1, eol).split(',')) {
          const t = token.trim().toLowerCase();
          if (t === 'close') close = true;
          else if (t === 'upgrade') return undefined;
        }
        break;
      }
      case Name.Other:
        break;
    }
    at = eol + 2;
  }
  if (host !== 1) return undefined;
  return { hash: line.hash, hop, close, end: blank + END.length };
}

/** The request line at `start`, if it is one of the two taken here: the hash asked for, and where it ends. */
function requestLine(b: Buffer, start: number): { hash: string | undefined; end: number } | undefined {
  if (b.compare(CACHE_INFO, 0, CACHE_INFO.length, start, Math.min(b.length, start + CACHE_INFO.length)) === 0) {
    return { hash: undefined, end: start + CACHE_INFO.length };
  }
  if (b.length - start < LINE_LENGTH) return undefined;
  if (b.compare(PREFIX, 0, PREFIX.length, start, start + PREFIX.length) !== 0) return undefined;
  const hashAt = start + PREFIX.length;
  for (let i = hashAt; i < hashAt + HASH_LENGTH; i++) if (NIX32[b[i]!] === 0) return undefined;
  if (b.compare(SUFFIX, 0, SUFFIX.length, hashAt + HASH_LENGTH, start + LINE_LENGTH) !== 0) return undefined;
  return { hash: b.toString('latin1', hashAt, hashAt + HASH_LENGTH), end: start + LINE_LENGTH };
}

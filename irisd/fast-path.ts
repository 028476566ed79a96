import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { leadingPlainGets, type PlainGet } from './plain-get.js';

/** A response: the status, its own headers (name and value), the body. */
export interface ReadyAnswer {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string;
}

/** An answer now, or once peers have been asked (such a promise never rejects). */
export type FastAnswer = ReadyAnswer | Promise<ReadyAnswer>;

export interface FastPathStats {
  /** Requests answered on the socket. */
  answered: number;
  /** Connections given to node:http at a request the fast path does not take. */
  handedOff: number;
}

export interface FastPath {
  readonly stats: FastPathStats;
  /** Close the connections still in the fast path once their answers are out; give new ones to node:http. */
  close(): void;
}

/** One connection while it is the fast path's. */
interface Conn {
  readonly socket: Socket;
  /** An answer is awaited: nothing more is read until it is written. */
  busy: boolean;
  /** Written faster than the client reads: nothing more is read until that drains. */
  draining: boolean;
  /** The client has sent its FIN: answer what is pending, then close. */
  ended: boolean;
  readonly onData: (chunk: Buffer) => void;
  readonly onEnd: () => void;
  readonly onDrain: () => void;
  readonly onClose: () => void;
}

/**
 * irisd's front door. A Nix client asks a binary cache `/nix-cache-info` and then one narinfo per path
 * of a closure (most answers are "not here"), and node:http's request and response objects cost more
 * than irisd's lookup. So each new connection is read here first: its leading plain GETs of a narinfo or
 * of `/nix-cache-info` (irisd/plain-get.ts) are answered straight on the socket, in order, by `answer`
 * (the same function irisd's route uses: local store, NAR cache, bloom filters, then peers). At the first
 * request that is anything else (a NAR, a POST, a query string, a request not fully arrived), that request
 * and every byte after it go to node:http's own connection handling, which owns the connection from then
 * on. A connection never holds a half-read request here, so node:http's header and request timeouts
 * apply to every one that does; `answer` returning undefined also hands the connection over.
 *
 * node:http handles a connection through the `connection` listener its constructor adds; that listener
 * (and any other present now) is kept and called on hand-off, the way Node documents injecting a socket
 * into an HTTP server by emitting `connection`.
 */
export function installFastPath(server: Server, answer: (r: PlainGet) => FastAnswer | undefined): FastPath {
  const inner = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  const stats: FastPathStats = { answered: 0, handedOff: 0 };
  const open = new Set<Conn>();
  /** Connections closing after their last answer, until the client closes its side. */
  const finishing = new Set<Socket>();
  let closing = false;
  let date = { second: -1, text: '' };

  /** Responses as written, by answer: the route's answers are the same object every time, and only the date moves. */
  const rendered = new WeakMap<ReadyAnswer, { second: number; keepAlive: number; text: string }>();
  const response = (a: ReadyAnswer, close: boolean): string => {
    const second = Math.floor(Date.now() / 1000);
    if (second !== date.second) date = { second, text: new Date(second * 1000).toUTCString() };
    const keepAlive = Math.floor(server.keepAliveTimeout / 1000);
    if (close) return render(a, date.text, 'Connection: close\r\n');
    const r = rendered.get(a);
    if (r && r.second === second && r.keepAlive === keepAlive) return r.text;
    const text = render(a, date.text, `Connection: keep-alive\r\nKeep-Alive: timeout=${keepAlive}\r\n`);
    rendered.set(a, { second, keepAlive, text });
    return text;
  };

  const write = (c: Conn, text: string): void => {
    if (text === '' || c.socket.destroyed) return;
    if (!c.socket.write(text) && !c.draining) {
      c.draining = true;
      c.socket.pause();
      c.socket.once('drain', c.onDrain);
    }
  };

  /**
   * Close after the last answer (asked for, or the client is done): our FIN once what is written has gone,
   * then the connection ends when the client closes its side, or at the idle timeout whatever it sends. Not
   * a close() at once: with bytes the client sent still unread, the kernel would answer with a reset and the
   * client could lose the answer. What the client sends meanwhile is read and dropped.
   */
  const finish = (c: Conn): void => {
    forget(c);
    const socket = c.socket;
    socket.end();
    socket.resume();
    finishing.add(socket);
    const timer = setTimeout(() => socket.destroy(), server.keepAliveTimeout || server.timeout || 5000);
    socket.once('close', () => {
      clearTimeout(timer);
      finishing.delete(socket);
    });
  };

  /** irisd is stopping: as node:http closes its idle connections then, at once when nothing is left to send. */
  const closeIdle = (c: Conn): void => {
    if (c.socket.writableLength > 0) return finish(c);
    forget(c);
    c.socket.destroy();
  };

  const forget = (c: Conn): void => {
    open.delete(c);
    c.socket.removeListener('data', c.onData);
    c.socket.removeListener('end', c.onEnd);
    c.socket.removeListener('drain', c.onDrain);
    c.socket.removeListener('close', c.onClose);
    c.socket.removeListener('timeout', destroyOnTimeout);
    c.socket.setTimeout(0);
  };

  const handOff = (c: Conn, rest: Buffer): void => {
    forget(c);
    c.socket.removeListener('error', ignore);
    stats.handedOff++;
    // With no `data` listener left the stream keeps these bytes, and node:http's listener reads them before
    // anything that arrives later.
    if (rest.length > 0) c.socket.unshift(rest);
    for (const listener of inner) listener.call(server, c.socket);
    // Paused here while a response drained: node:http's own back-pressure applies from now on.
    if (c.socket.isPaused()) c.socket.resume();
  };

  const serve = (c: Conn, chunk: Buffer): void => {
    if (closing) return handOff(c, chunk);
    const { requests, consumed } = leadingPlainGets(chunk);
    let out = '';
    for (let i = 0; i < requests.length; i++) {
      const r = requests[i]!;
      let a: FastAnswer | undefined;
      try {
        a = answer(r);
      } catch {
        a = undefined; // node:http's route asks again, and logs the failure.
      }
      if (a === undefined) {
        write(c, out);
        return handOff(c, chunk.subarray(i === 0 ? 0 : requests[i - 1]!.end));
      }
      if (a instanceof Promise) {
        write(c, out);
        return wait(c, r, a, chunk.subarray(r.end));
      }
      out += response(a, r.close);
      stats.answered++;
      if (r.close) {
        write(c, out);
        return finish(c);
      }
    }
    write(c, out);
    if (consumed < chunk.length) handOff(c, chunk.subarray(consumed));
  };

  /** An answer from peers: the requests after it wait, unread, so that answers go out in order. */
  const wait = (c: Conn, r: PlainGet, pending: Promise<ReadyAnswer>, rest: Buffer): void => {
    c.busy = true;
    c.socket.pause();
    pending.then(
      (a) => {
        c.busy = false;
        if (c.socket.destroyed) return;
        write(c, response(a, r.close));
        stats.answered++;
        if (r.close || (c.ended && rest.length === 0)) return finish(c);
        if (closing && rest.length === 0) return closeIdle(c);
        if (rest.length > 0) serve(c, rest);
        // Still the fast path's and not waiting again: close if the client is done, else read on.
        if (!open.has(c) || c.busy) return;
        if (c.ended) return finish(c);
        if (!c.draining) c.socket.resume();
      },
      () => c.socket.destroy(),
    );
  };

  server.on('connection', (socket: Socket) => {
    const c: Conn = {
      socket,
      busy: false,
      draining: false,
      ended: false,
      onData: (chunk) => serve(c, chunk),
      onEnd: () => {
        // http.Server sockets are half-open: a client that is done gets its FIN back once its answers are out.
        c.ended = true;
        if (!c.busy) finish(c);
      },
      onDrain: () => {
        c.draining = false;
        if (!c.busy) socket.resume();
      },
      onClose: () => open.delete(c),
    };
    socket.on('error', ignore);
    if (closing) return handOff(c, Buffer.alloc(0));
    open.add(c);
    // node:http's idle timeout for a kept-alive connection, here too.
    socket.setTimeout(server.keepAliveTimeout || server.timeout);
    socket.on('timeout', destroyOnTimeout);
    socket.on('end', c.onEnd);
    socket.on('close', c.onClose);
    socket.on('data', c.onData);
  });

  return {
    stats,
    close() {
      closing = true;
      // Those already closing have had their answers; those still open and idle are closed as node:http closes
      // its idle connections; an answer still being written or awaited from peers is finished first.
      for (const s of finishing) s.destroy();
      for (const c of open) if (!c.busy) closeIdle(c);
    },
  };
}

/** Status line, headers and body, with the headers node:http adds itself (length, date, connection). */
function render(a: ReadyAnswer, date: string, connection: string): string {
  let h = `HTTP/1.1 ${a.status} ${STATUS_CODES[a.status] ?? ''}\r\n`;
  for (const [k, v] of a.headers) h += `${k}: ${v}\r\n`;
  return `${h}content-length: ${Buffer.byteLength(a.body)}\r\nDate: ${date}\r\n${connection}\r\n${a.body}`;
}

function ignore(): void {}

function destroyOnTimeout(this: Socket): void {
  this.destroy();
}

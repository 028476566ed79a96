import { createServer, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real HTTP server on loopback, for tests that play the other side of a connection. */
export interface LoopbackHttpServer {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly url: string;
  /** Cuts open connections (an endless body would never finish) and closes the server. */
  stop(): Promise<void>;
}

/** Serve `handler` on 127.0.0.1 (`port` 0 picks a free one; pass an old port to come back at the same URL). */
export async function serveHttp(handler: RequestListener, port = 0): Promise<LoopbackHttpServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A body that never ends: writes `chunk` for as long as the client reads,
 * pausing when the socket pushes back, until the client goes away. The
 * status line and headers are the caller's (`res.writeHead`) first.
 */
export function writeEndlessly(res: ServerResponse, chunk: Buffer): void {
  const pump = (): void => {
    while (res.write(chunk)) {
      /* keep writing until the socket pushes back */
    }
  };
  res.on('drain', pump);
  pump();
}

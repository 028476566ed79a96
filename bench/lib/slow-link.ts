import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on a free loopback port in front of `target` (host:port) whose
 * answers, over all its connections together, go no faster than `mbit`
 * megabits per second: a slow link between a Nix client and a cache, for
 * benchmarks. Requests go through unthrottled. `close()` ends it.
 */
export async function startSlowLink(target: { host: string; port: number }, mbit: number): Promise<{ url: string; close(): Promise<void> }> {
  const bytesPerMs = (mbit * 1e6) / 8 / 1000;
  let free = 0; // when the link is next free (performance.now() ms)
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const up = connect(target.port, target.host);
    for (const s of [client, up]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(up);
    up.on('data', (chunk: Buffer) => {
      const now = performance.now();
      free = Math.max(now, free) + chunk.length / bytesPerMs;
      const wait = free - now;
      if (wait < 1) {
        client.write(chunk);
        return;
      }
      up.pause();
      setTimeout(() => {
        client.write(chunk);
        up.resume();
      }, wait);
    });
    up.on('end', () => setTimeout(() => client.end(), Math.max(0, free - performance.now()) + 1));
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
    client.on('close', () => up.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

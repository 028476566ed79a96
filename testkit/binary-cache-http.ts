import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { serveHttp } from './http-server.js';

/**
 * Serves a file:// binary cache directory over HTTP on loopback. While
 * `hold()` is on, every request waits (a stalled download) until `release()`.
 */
export interface HttpBinaryCache {
  readonly url: string;
  readonly requests: string[];
  hold(): void;
  release(): void;
  stop(): Promise<void>;
}

/** Serve `dir` as a binary cache on 127.0.0.1 (`port` 0 picks a free one; pass the old port to bring a stopped cache back at the same URL). */
export async function serveBinaryCache(dir: string, port = 0): Promise<HttpBinaryCache> {
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  const requests: string[] = [];
  const server = await serveHttp((req, res) => {
    void (async () => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      requests.push(path);
      if (gate) await gate;
      const file = normalize(join(dir, path));
      if (!file.startsWith(dir)) return void res.writeHead(403).end();
      try {
        const st = await stat(file);
        if (!st.isFile()) throw new Error('not a file');
        res.writeHead(200, { 'content-length': st.size });
        createReadStream(file).pipe(res);
      } catch {
        res.writeHead(404).end();
      }
    })();
  }, port);
  return {
    url: server.url,
    requests,
    hold() {
      gate ??= new Promise<void>((r) => (open = r));
    },
    release() {
      open?.();
      gate = undefined;
    },
    stop: () => {
      open?.();
      return server.stop();
    },
  };
}

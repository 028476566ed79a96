import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A git smart-HTTP server on loopback: git's own `git http-backend` run as
 * CGI for every request, serving every repository under `projectRoot` for
 * clone, fetch and push. URL: `${url}/<repo>.git`.
 */
export interface GitHttpServer {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startGitHttpServer(projectRoot: string): Promise<GitHttpServer> {
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.receivepack',
      GIT_CONFIG_VALUE_0: 'true',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(u.pathname),
      QUERY_STRING: u.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_ADDR: '127.0.0.1',
      REMOTE_USER: 'test',
      GIT_HTTP_MAX_REQUEST_BUFFER: '100M',
    };
    if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = String(req.headers['content-encoding']);
    if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol']);
    const cgi = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let headerDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headerDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const idx = head.indexOf('\r\n\r\n');
      const idx2 = head.indexOf('\n\n');
      const end = idx >= 0 ? idx : idx2;
      if (end < 0) return;
      const sep = idx >= 0 ? 4 : 2;
      const lines = head.subarray(0, end).toString('utf8').split(/\r?\n/);
      let status = 200;
      for (const line of lines) {
        const c = line.indexOf(':');
        if (c < 0) continue;
        const name = line.slice(0, c).trim();
        const value = line.slice(c + 1).trim();
        if (name.toLowerCase() === 'status') status = parseInt(value, 10);
        else res.setHeader(name, value);
      }
      res.statusCode = status;
      headerDone = true;
      const rest = head.subarray(end + sep);
      if (rest.length) res.write(rest);
    });
    cgi.stdout.on('end', () => res.end());
    cgi.on('error', () => {
      res.statusCode = 500;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

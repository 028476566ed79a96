import { runHttpBackend } from '../reconciler/mirror/http-backend.js';
import { serveHttp } from './http-server.js';

/**
 * A git smart-HTTP server on loopback: git's own `git http-backend` run as
 * CGI for every request (the reconciler's runner, with pushing on), serving
 * every repository under `projectRoot` for clone, fetch and push.
 * URL: `${url}/<repo>.git`.
 */
export interface GitHttpServer {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startGitHttpServer(projectRoot: string): Promise<GitHttpServer> {
  return serveHttp((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const header = (name: string): string | undefined => {
      const v = req.headers[name];
      return v === undefined ? undefined : String(v);
    };
    const contentType = header('content-type');
    const contentEncoding = header('content-encoding');
    const gitProtocol = header('git-protocol');
    void runHttpBackend(
      'git',
      projectRoot,
      {
        method: req.method ?? 'GET',
        pathInfo: decodeURIComponent(u.pathname),
        query: u.search.slice(1),
        body: req,
        ...(contentType ? { contentType } : {}),
        ...(contentEncoding ? { contentEncoding } : {}),
        ...(gitProtocol ? { gitProtocol } : {}),
      },
      res,
      { allowPush: true },
    );
  });
}

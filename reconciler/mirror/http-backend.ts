import { spawn } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';

/**
 * Serve a repository over git smart HTTP by running git's own
 * `git http-backend` as CGI. The reconciler serves its mirror read-only
 * (receive-pack off); `allowPush` switches pushing on (the tests' git server).
 */
export interface BackendRequest {
  readonly method: string;
  /** Path below the project root, e.g. `/channels.git/info/refs`. */
  readonly pathInfo: string;
  readonly query: string;
  readonly contentType?: string;
  readonly contentEncoding?: string;
  readonly gitProtocol?: string;
  readonly body?: Readable;
}

/** The GIT_CONFIG_* variables that set `pairs` for one git run (several values of one key are allowed, in order). */
export function gitConfigEnv(pairs: ReadonlyArray<readonly [string, string]>): Record<string, string> {
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(pairs.length) };
  pairs.forEach(([k, v], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = k;
    env[`GIT_CONFIG_VALUE_${i}`] = v;
  });
  return env;
}

export function runHttpBackend(
  git: string,
  projectRoot: string,
  req: BackendRequest,
  res: ServerResponse,
  opts: { allowPush?: boolean; onlyRefs?: readonly string[] } = {},
): Promise<void> {
  // `onlyRefs`: advertise these refs (and HEAD) and hide every other one from fetches.
  const hide: Array<[string, string]> = opts.onlyRefs ? [['uploadpack.hideRefs', 'refs/'], ...opts.onlyRefs.map((r): [string, string] => ['uploadpack.hideRefs', `!${r}`])] : [];
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: projectRoot,
      ...gitConfigEnv([
        ['http.receivepack', opts.allowPush ? 'true' : 'false'],
        ['http.uploadpack', 'true'],
        ['http.getanyfile', 'false'],
        ...hide,
      ]),
      REQUEST_METHOD: req.method,
      PATH_INFO: req.pathInfo,
      QUERY_STRING: req.query,
      CONTENT_TYPE: req.contentType ?? '',
      REMOTE_ADDR: '127.0.0.1',
    };
    if (req.contentEncoding) env.HTTP_CONTENT_ENCODING = req.contentEncoding;
    if (req.gitProtocol) env.GIT_PROTOCOL = req.gitProtocol;
    const cgi = spawn(git, ['http-backend'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
    if (req.body) req.body.pipe(cgi.stdin);
    else cgi.stdin.end();
    cgi.stdin.on('error', () => {});
    let head = Buffer.alloc(0);
    let headerDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headerDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const crlf = head.indexOf('\r\n\r\n');
      const lf = head.indexOf('\n\n');
      const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf : lf;
      if (end < 0) return;
      const sep = end === crlf ? 4 : 2;
      let status = 200;
      for (const line of head.subarray(0, end).toString('utf8').split(/\r?\n/)) {
        const c = line.indexOf(':');
        if (c < 0) continue;
        const name = line.slice(0, c).trim();
        const value = line.slice(c + 1).trim();
        if (name.toLowerCase() === 'status') status = parseInt(value, 10) || 500;
        else res.setHeader(name, value);
      }
      res.statusCode = status;
      headerDone = true;
      const rest = head.subarray(end + sep);
      if (rest.length) res.write(rest);
    });
    const finish = (): void => {
      if (!headerDone && !res.headersSent) {
        res.statusCode = 502;
        res.setHeader('content-type', 'application/json');
        res.write(JSON.stringify({ code: 'GitError', message: 'git http-backend gave no answer; check that git is installed for the reconciler.' }));
      }
      res.end();
      resolve();
    };
    cgi.on('error', finish);
    cgi.on('close', finish);
  });
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileAt, resolveCommit, type Repo } from '../../core/channels-repo.js';
import { releaseDigest } from '../../core/signing.js';
import { agentReportSchema, type AgentReport } from '../../agent/report/schema.js';

/**
 * A stand-in for the reconciler's agent-facing routes (DESIGN.md §4), used
 * until the real reconciler lands on main: GET /v1/channels/:channel with
 * ETag / If-None-Match / ?wait= read straight from a channels repository, and
 * POST /v1/hosts/:host/reports checked against the agent's report schema.
 */
export interface FakeReconciler {
  readonly url: string;
  readonly reports: AgentReport[];
  stop(): Promise<void>;
}

export async function startFakeReconciler(repo: Repo, opts: { port?: number; token?: string; branch?: string } = {}): Promise<FakeReconciler> {
  const reports: AgentReport[] = [];
  const branch = opts.branch ?? 'main';
  async function head(channel: string): Promise<{ document: unknown; commit: string; digest: string } | undefined> {
    const commit = await resolveCommit(repo, `refs/heads/${branch}`);
    const bytes = await readFileAt(repo, commit, `channels/${channel}.json`);
    if (!bytes) return undefined;
    const document = JSON.parse(Buffer.from(bytes).toString('utf8')) as { release: Parameters<typeof releaseDigest>[0] };
    return { document, commit, digest: releaseDigest(document.release) };
  }
  const server: Server = createServer((req, res) => {
    void (async () => {
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      const ch = /^\/v1\/channels\/([^/]+)$/.exec(u.pathname);
      if (req.method === 'GET' && ch) {
        const wait = Math.min(300, Number(u.searchParams.get('wait') ?? '0'));
        const deadline = Date.now() + wait * 1000;
        for (;;) {
          const h = await head(decodeURIComponent(ch[1]!));
          if (!h) {
            res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no such channel"}');
            return;
          }
          const etag = `"${h.digest}"`;
          if (req.headers['if-none-match'] !== etag) {
            res.writeHead(200, { 'content-type': 'application/json', etag }).end(JSON.stringify(h));
            return;
          }
          if (Date.now() >= deadline || req.destroyed) {
            res.writeHead(304, { etag }).end();
            return;
          }
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      const rep = /^\/v1\/hosts\/([^/]+)\/reports$/.exec(u.pathname);
      if (req.method === 'POST' && rep) {
        if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`) {
          res.writeHead(401).end();
          return;
        }
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const parsed = agentReportSchema.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        if (!parsed.success || parsed.data.host !== decodeURIComponent(rep[1]!)) {
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: parsed.error?.message ?? 'host mismatch' }));
          return;
        }
        reports.push(parsed.data);
        res.writeHead(202).end();
        return;
      }
      res.writeHead(404).end();
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    reports,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import type { FastifyInstance } from 'fastify';
import { NotFoundError, ReadOnlyError } from '../../core/errors/index.js';
import type { ServerContext } from '../context.js';
import { runHttpBackend } from '../mirror/http-backend.js';
import { MIRROR_NAME } from '../mirror/repo.js';

/** GET /git/channels.git/...: the mirror, read-only, over git smart HTTP. */
export function registerGitRoutes(scope: FastifyInstance, ctx: ServerContext): void {
  // upload-pack requests are streamed to git untouched.
  scope.addContentTypeParser('application/x-git-upload-pack-request', (_req, payload, done) => done(null, payload));
  const prefix = `/git/${MIRROR_NAME}`;
  const handler = async (req: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply): Promise<void> => {
    const url = new URL(req.url, 'http://localhost');
    const rest = url.pathname.slice(prefix.length);
    const service = url.searchParams.get('service');
    if (rest === '/git-receive-pack' || service === 'git-receive-pack') {
      throw new ReadOnlyError({ path: url.pathname });
    }
    const allowed = (req.method === 'GET' && (rest === '/info/refs' || rest === '/HEAD')) || (req.method === 'POST' && rest === '/git-upload-pack');
    if (!allowed) throw new NotFoundError({ what: 'git-path', path: url.pathname, prefix });
    reply.hijack();
    await runHttpBackend(
      ctx.git,
      ctx.mirrorRoot,
      {
        method: req.method,
        pathInfo: `/${MIRROR_NAME}${rest}`,
        query: url.search.slice(1),
        contentType: req.headers['content-type'],
        contentEncoding: req.headers['content-encoding'],
        gitProtocol: req.headers['git-protocol'] as string | undefined,
        body: req.method === 'POST' ? (req.body as NodeJS.ReadableStream as import('node:stream').Readable) : undefined,
      },
      reply.raw,
      // Only the accepted branch: refs/remotes/origin/* holds fetched heads not yet (or never) accepted.
      { onlyRefs: [`refs/heads/${ctx.branch}`] },
    );
  };
  scope.get(`${prefix}/*`, handler);
  scope.post(`${prefix}/*`, { bodyLimit: 100 * 1024 * 1024 }, handler);
}

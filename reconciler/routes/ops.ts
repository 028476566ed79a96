import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';

export function registerOpsRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/metrics', async (_req, reply) => {
    return reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });
  // Healthy while it serves: a failed fetch keeps the last good heads served, so it shows here but is not a 503.
  app.get('/healthz', async () => {
    const last = ctx.lastSync();
    return { ok: true, branchCommit: ctx.served().branchCommit ?? null, lastSync: last.at ?? null, lastError: last.error ?? null, longPolls: ctx.waiters.count };
  });
}

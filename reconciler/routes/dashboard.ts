import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { renderDashboard } from '../dashboard/render.js';
import { hostsView } from '../hosts-view.js';
import { impactPairs } from '../impact.js';

export function registerDashboardRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/', async (_req, reply) => {
    const now = ctx.now();
    const state = ctx.served();
    const hosts = hostsView(await ctx.reports.list(), state, now, ctx.staleAfterMs);
    const html = renderDashboard({
      state,
      hosts,
      ...(ctx.impact ? { impact: ctx.impact.views(impactPairs(state, hosts)) } : {}),
      now,
      source: ctx.source,
      branch: ctx.branch,
      lastSync: ctx.lastSync(),
    });
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
  });
}

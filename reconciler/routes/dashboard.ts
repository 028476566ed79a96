import type { FastifyInstance } from 'fastify';
import { ChannelNotFoundError, InvalidQueryError, NotFoundError } from '../../core/errors/index.js';
import { canonicalHost } from '../../core/host-identity.js';
import { CHANNEL_NAME, HOST_NAME } from '../../core/release.js';
import type { ServerContext } from '../context.js';
import { renderChannelPage, renderDashboard, renderHostPage } from '../dashboard/render.js';
import { parseDashboardQuery } from '../dashboard/select.js';
import { countByState, hostsView, servedBy } from '../hosts-view.js';
import { impactPairs } from '../impact.js';

const HTML = 'text/html; charset=utf-8';

/** The dashboard pages: `/` (fleet, filtered and paged), `/hosts/:host`, `/channels/:channel`. A bad query value is a 400 InvalidQueryError (routes/errors.ts). */
export function registerDashboardRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Querystring: Record<string, unknown> }>('/', async (req, reply) => {
    const query = parseDashboardQuery(req.query ?? {});
    const now = ctx.now();
    const state = ctx.served();
    const hosts = hostsView(await ctx.reports.list(), state, now, ctx.staleAfterMs, servedBy(ctx.rollouts));
    const html = renderDashboard({
      state,
      hosts,
      query,
      ...(ctx.impact ? { impact: ctx.impact.views(impactPairs(state, hosts)) } : {}),
      now,
      source: ctx.source,
      branch: ctx.branch,
      lastSync: ctx.lastSync(),
      rollouts: await ctx.rollouts.progress(),
    });
    return reply.type(HTML).header('cache-control', 'no-cache').send(html);
  });

  app.get<{ Params: { host: string } }>('/hosts/:host', async (req, reply) => {
    const host = req.params.host;
    if (!HOST_NAME.test(host)) throw new InvalidQueryError({ parameter: 'host', value: host, expected: 'a host name' });
    const now = ctx.now();
    const key = canonicalHost(host);
    const stored = (await ctx.reports.list()).filter((s) => canonicalHost(s.report.host) === key);
    const [row] = hostsView(stored, ctx.served(), now, ctx.staleAfterMs, servedBy(ctx.rollouts));
    if (!row) throw new NotFoundError({ what: 'host', host });
    return reply.type(HTML).header('cache-control', 'no-cache').send(renderHostPage({ row, now, history: await ctx.reports.history(host), place: ctx.rollouts.placeOf(row.channel, row.host) }));
  });

  app.get<{ Params: { channel: string } }>('/channels/:channel', async (req, reply) => {
    const channel = req.params.channel;
    if (!CHANNEL_NAME.test(channel)) throw new InvalidQueryError({ parameter: 'channel', value: channel, expected: 'a channel name' });
    const state = ctx.served();
    if (!state.heads[channel] && !state.refusals[channel]) throw new ChannelNotFoundError({ where: 'reconciler', channel, branch: ctx.branch });
    const now = ctx.now();
    const hosts = hostsView((await ctx.reports.list()).filter((s) => s.report.channel === channel), state, now, ctx.staleAfterMs, servedBy(ctx.rollouts));
    const history = state.heads[channel] ? await ctx.history(channel, 50) : [];
    return reply.type(HTML).header('cache-control', 'no-cache').send(renderChannelPage({
      channel, state, history, counts: countByState(hosts), now,
      rollout: (await ctx.rollouts.progress()).get(channel) ?? null,
      ...(ctx.impact ? { impact: ctx.impact.views(impactPairs(state, hosts)).filter((v) => v.channel === channel) } : {}),
    }));
  });
}

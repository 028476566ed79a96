import type { FastifyInstance, FastifyReply } from 'fastify';
import { ChannelNotFoundError, InvalidChannelNameError, UsageError } from '../../core/errors/index.js';
import { CHANNEL_NAME } from '../../core/release.js';
import { channelHeadBody } from '../../core/wire/channel-head.js';
import type { ServerContext } from '../context.js';
import type { ServedHead } from '../heads.js';

export const MAX_WAIT_SECONDS = 300;

/** The response body of GET /v1/channels/:channel, built once per served head. */
const bodies = new WeakMap<ServedHead, string>();
function bodyOf(head: ServedHead): string {
  let b = bodies.get(head);
  if (b === undefined) {
    b = channelHeadBody(head.text, head.commit, head.digest);
    bodies.set(head, b);
  }
  return b;
}

export function etagOf(head: ServedHead): string {
  return `"${head.digest}"`;
}

/** Pure: does an If-None-Match header name this ETag (or `*`)? Weak validators compare equal too. */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header === etag) return true;
  return header.split(',').some((t) => {
    const v = t.trim();
    return v === '*' || v === etag || v === `W/${etag}`;
  });
}

function channelParam(name: string): string {
  if (!CHANNEL_NAME.test(name)) {
    throw new InvalidChannelNameError({ channel: name });
  }
  return name;
}

function intQuery(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new UsageError({ reason: 'out-of-range', parameter: name, value: String(value), min, max });
  }
  return n;
}

/** The head; with `chain`, also the channel file's versions between the asker's `?since` revision and the head, as committed (DESIGN.md §12). */
function sendHead(reply: FastifyReply, head: ServedHead, chain?: readonly string[]): FastifyReply {
  const body = chain === undefined ? bodyOf(head) : channelHeadBody(head.text, head.commit, head.digest, chain);
  return reply.code(200).header('etag', etagOf(head)).header('cache-control', 'no-cache').type('application/json; charset=utf-8').send(body);
}

export function registerChannelRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/v1/channels', async () => {
    const state = ctx.served();
    const names = [...new Set([...Object.keys(state.heads), ...Object.keys(state.refusals)])].sort();
    return {
      branch: { name: ctx.branch, commit: state.branchCommit ?? null, refusal: state.branchRefusal ?? null },
      channels: names.map((name) => {
        const h = state.heads[name];
        return {
          name,
          revision: h?.revision ?? null,
          digest: h?.digest ?? null,
          commit: h?.commit ?? null,
          committedAt: h?.committedAt ?? null,
          servedAt: h?.servedAt ?? null,
          refusal: state.refusals[name] ?? null,
        };
      }),
    };
  });

  app.get<{ Params: { channel: string }; Querystring: { wait?: string; since?: string } }>('/v1/channels/:channel', async (req, reply) => {
    const name = channelParam(req.params.channel);
    const wait = intQuery(req.query.wait, 'wait', 0, MAX_WAIT_SECONDS, 0);
    const since = req.query.since === undefined ? undefined : intQuery(req.query.since, 'since', 0, Number.MAX_SAFE_INTEGER, 0);
    const send = async (h: ServedHead): Promise<FastifyReply> =>
      since !== undefined && h.revision > since + 1 ? sendHead(reply, h, await ctx.chain(name, h, since)) : sendHead(reply, h);
    let head = ctx.served().heads[name];
    if (!head) throw new ChannelNotFoundError({ where: 'reconciler', channel: name, branch: ctx.branch });
    const inm = req.headers['if-none-match'];
    if (!matchesEtag(inm, etagOf(head))) return send(head);
    if (wait > 0 && ctx.waiters.count < ctx.maxWaiters) {
      // A held long-poll is silent by design: its socket may idle for the wait, plus a margin, instead of [http] idle_timeout_seconds.
      req.raw.socket.setTimeout((wait + 15) * 1000);
      const changed = await ctx.waiters.wait(name, wait * 1000, (stop) => reply.raw.once('close', stop));
      head = ctx.served().heads[name] ?? head;
      if (changed && !matchesEtag(inm, etagOf(head))) return send(head);
    }
    return reply.code(304).header('etag', etagOf(head)).header('cache-control', 'no-cache').send();
  });

  app.get<{ Params: { channel: string }; Querystring: { limit?: string } }>('/v1/channels/:channel/history', async (req) => {
    const name = channelParam(req.params.channel);
    const limit = intQuery(req.query.limit, 'limit', 1, 1000, 20);
    if (!ctx.served().heads[name]) throw new ChannelNotFoundError({ where: 'reconciler', channel: name, branch: ctx.branch });
    return { channel: name, releases: await ctx.history(name, limit) };
  });
}

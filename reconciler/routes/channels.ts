import type { FastifyInstance, FastifyReply } from 'fastify';
import { ChannelNotFoundError, InvalidChannelNameError, InvalidHostNameError, UsageError } from '../../core/errors/index.js';
import { HOST_NAME } from '../../core/host-identity.js';
import type { ChannelList } from '../../core/wire/channel-list.js';
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

function hostParam(name: string): string {
  if (!HOST_NAME.test(name)) throw new InvalidHostNameError({ role: 'query', host: name });
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
  app.get('/v1/channels', async (): Promise<ChannelList> => {
    const state = ctx.served();
    const progress = await ctx.rollouts.progress();
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
          rollout: progress.get(name) ?? null,
        };
      }),
    };
  });

  app.get<{ Params: { channel: string }; Querystring: { wait?: string; since?: string; host?: string } }>('/v1/channels/:channel', async (req, reply) => {
    const name = channelParam(req.params.channel);
    const wait = intQuery(req.query.wait, 'wait', 0, MAX_WAIT_SECONDS, 0);
    const since = req.query.since === undefined ? undefined : intQuery(req.query.since, 'since', 0, Number.MAX_SAFE_INTEGER, 0);
    const host = req.query.host === undefined || req.query.host === '' ? undefined : hostParam(req.query.host);
    // The chain runs up to what this host is served, not the channel's newest head.
    const send = async (h: ServedHead): Promise<FastifyReply> =>
      since !== undefined && h.revision > since + 1 ? sendHead(reply, h, await ctx.chain(name, h, since)) : sendHead(reply, h);
    /** What the asker is served now: the head, or for a named host what its rollout wave allows (DESIGN.md §12). */
    const current = (): ServedHead | null => {
      const head = ctx.served().heads[name];
      if (!head) throw new ChannelNotFoundError({ where: 'reconciler', channel: name, branch: ctx.branch });
      return host === undefined ? head : ctx.rollouts.releaseFor(name, host, head);
    };
    const noneYet = (): ChannelNotFoundError =>
      new ChannelNotFoundError({ where: 'rollout', channel: name, host: host!, revision: ctx.served().heads[name]?.revision ?? 0 });
    let served = current();
    const inm = req.headers['if-none-match'];
    if (served !== null && !matchesEtag(inm, etagOf(served))) return send(served);
    if (served === null && inm === undefined) throw noneYet();
    if (wait > 0 && ctx.waiters.count < ctx.maxWaiters) {
      // A held long-poll is silent by design: its socket may idle for the wait, plus a margin, instead of [http] idle_timeout_seconds.
      req.raw.socket.setTimeout((wait + 15) * 1000);
      const deadline = Date.now() + wait * 1000;
      let gone = false;
      let stopWaiting: (() => void) | undefined;
      reply.raw.once('close', () => {
        gone = true;
        stopWaiting?.();
      });
      // A wake-up concerns the whole channel (a new head, a wave opened): a host whose answer did not change waits on.
      for (let left = wait * 1000; left > 0 && !gone; left = deadline - Date.now()) {
        const changed = await ctx.waiters.wait(name, left, (stop) => {
          stopWaiting = stop;
        });
        if (!changed) break;
        served = current();
        if (served !== null && !matchesEtag(inm, etagOf(served))) return send(served);
      }
    }
    if (served === null) throw noneYet();
    return reply.code(304).header('etag', etagOf(served)).header('cache-control', 'no-cache').send();
  });

  app.get<{ Params: { channel: string }; Querystring: { limit?: string } }>('/v1/channels/:channel/history', async (req) => {
    const name = channelParam(req.params.channel);
    const limit = intQuery(req.query.limit, 'limit', 1, 1000, 20);
    if (!ctx.served().heads[name]) throw new ChannelNotFoundError({ where: 'reconciler', channel: name, branch: ctx.branch });
    return { channel: name, releases: await ctx.history(name, limit) };
  });
}

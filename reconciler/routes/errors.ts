import type { FastifyInstance } from 'fastify';
import { isOgygiaError } from '../../core/errors/index.js';
import type { ServerContext } from '../context.js';

/** One map from error code to HTTP status: every failure is a JSON `{ code, message }`. */
const STATUS: Record<string, number> = {
  InvalidChannelNameError: 400,
  InvalidHostNameError: 400,
  InvalidReportError: 400,
  InvalidFieldError: 400,
  MalformedJsonError: 400,
  UsageError: 400,
  UnauthorizedError: 401,
  WebhookSignatureError: 401,
  ReadOnlyError: 403,
  ChannelNotFoundError: 404,
  NotFoundError: 404,
  OversizeError: 413,
  WebhookRateLimitedError: 429,
};

export function registerErrorHandling(app: FastifyInstance, ctx: ServerContext): void {
  app.setErrorHandler((err, req, reply) => {
    if (isOgygiaError(err)) {
      const status = STATUS[err.code] ?? 500;
      if (status === 401) reply.header('www-authenticate', 'Bearer');
      if (status === 429 && typeof err.data.retryAfterSeconds === 'number') reply.header('retry-after', String(err.data.retryAfterSeconds));
      return reply.code(status).send({ code: err.code, message: err.message, ...(Object.keys(err.data).length ? { data: err.data } : {}) });
    }
    const e = err as { code?: string; statusCode?: number; message: string };
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send({ code: 'OversizeError', message: `The request body is over the ${req.routeOptions.bodyLimit ?? 65536}-byte limit; send less.` });
    }
    if (e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (e.statusCode === 400 && e instanceof SyntaxError)) {
      return reply.code(400).send({ code: 'MalformedJsonError', message: `The request body is not valid JSON (${e.message}); send a JSON object.` });
    }
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      return reply.code(e.statusCode).send({ code: e.code ?? 'BadRequestError', message: e.message });
    }
    ctx.log.error(`${req.method} ${req.url} failed: ${(err as Error).stack ?? String(err)}`);
    return reply.code(500).send({ code: 'InternalError', message: 'The reconciler hit an internal error; it is logged, please report it.' });
  });
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ code: 'NotFoundError', message: `No route ${req.method} ${req.url.split('?')[0]}; see docs/api.md for the routes.` });
  });
}

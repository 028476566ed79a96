import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  BadRequestError,
  type ErrorCode,
  InternalError,
  MalformedJsonError,
  NotFoundError,
  type OgygiaError,
  OversizeError,
  isOgygiaError,
} from '../../core/errors/index.js';
import type { ServerContext } from '../context.js';

/** One map from error code to HTTP status: every failure is a JSON `{ code, message }`; a code not here is a 500. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  InvalidChannelNameError: 400,
  InvalidHostNameError: 400,
  InvalidReportError: 400,
  InvalidQueryError: 400,
  InvalidFieldError: 400,
  MalformedJsonError: 400,
  UsageError: 400,
  UnauthorizedError: 401,
  UnsignedReportError: 401,
  ReportSignatureError: 401,
  WebhookSignatureError: 401,
  UnenrolledHostError: 403,
  ReportReplayError: 403,
  ReadOnlyError: 403,
  ChannelNotFoundError: 404,
  NotFoundError: 404,
  OversizeError: 413,
  WebhookRateLimitedError: 429,
  RebootSlotBusyError: 429,
  InvalidEnrollmentError: 503,
  TooManyHostsError: 507,
};

/** The scheme a 401 names in WWW-Authenticate (RFC 9110 §11.6.1): the report signature, else a bearer token. */
const SCHEME: Partial<Record<ErrorCode, string>> = {
  UnsignedReportError: 'Ogygia-Signature',
  ReportSignatureError: 'Ogygia-Signature',
};

function send(reply: FastifyReply, err: OgygiaError, status = STATUS[err.code] ?? 500): FastifyReply {
  if (status === 401) reply.header('www-authenticate', SCHEME[err.code] ?? 'Bearer');
  if (status === 429 && typeof err.data.retryAfterSeconds === 'number') reply.header('retry-after', String(err.data.retryAfterSeconds));
  return reply.code(status).send({ code: err.code, message: err.message, ...(Object.keys(err.data).length ? { data: err.data } : {}) });
}

export function registerErrorHandling(app: FastifyInstance, ctx: ServerContext): void {
  app.setErrorHandler((err, req, reply) => {
    if (isOgygiaError(err)) return send(reply, err);
    const e = err as { code?: string; statusCode?: number; message: string };
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return send(reply, new OversizeError({ kind: 'request', limit: req.routeOptions.bodyLimit ?? 65536 }));
    }
    if (e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (e.statusCode === 400 && e instanceof SyntaxError)) {
      return send(reply, new MalformedJsonError({ what: 'request-body', detail: e.message }));
    }
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      return send(reply, new BadRequestError({ status: e.statusCode, detail: e.message, ...(e.code ? { cause: e.code } : {}) }), e.statusCode);
    }
    // A bug: the whole error goes to the log; the client gets the one InternalError sentence, without internals.
    const where = `${req.method} ${req.url.split('?')[0]}`;
    ctx.log.error(`${new InternalError({ where, cause: err }).message}\n${(err as Error).stack ?? ''}`);
    return send(reply, new InternalError({ where, cause: 'see the reconciler log' }), 500);
  });
  app.setNotFoundHandler((req, reply) => {
    send(reply, new NotFoundError({ what: 'route', method: req.method, path: req.url.split('?')[0] ?? req.url }));
  });
}

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { NotFoundError, WebhookRateLimitedError, WebhookSignatureError } from '../../core/errors/index.js';
import type { ServerContext } from '../context.js';
import { deliveryId } from '../webhook-deliveries.js';

export const MAX_WEBHOOK_BYTES = 5 * 1024 * 1024;

/** Pure: does `X-Hub-Signature-256: sha256=<hex>` hold the HMAC-SHA256 of the body under the secret? */
export function validHubSignature(header: string | undefined, body: Buffer, secret: string): boolean {
  const m = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
  if (!m) return false;
  const want = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(Buffer.from(m[1]!.toLowerCase(), 'hex'), want);
}

/**
 * POST /v1/hooks/git: a push webhook (GitHub, Gitea, Forgejo) makes the
 * reconciler fetch at once. A replayed delivery (same delivery id or same
 * signed body) is answered 200 and fetches nothing; too many fresh ones are
 * answered 429 with Retry-After (reconciler/webhook-deliveries.ts).
 */
export function registerHookRoutes(scope: FastifyInstance, ctx: ServerContext): void {
  // The HMAC covers the exact bytes: keep the raw body whatever its type.
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_WEBHOOK_BYTES }, (_req, body, done) => done(null, body));
  scope.post('/v1/hooks/git', { bodyLimit: MAX_WEBHOOK_BYTES }, async (req, reply) => {
    if (ctx.webhookSecret === undefined) {
      throw new NotFoundError({ what: 'webhook' });
    }
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const header = req.headers['x-hub-signature-256'];
    if (!validHubSignature(Array.isArray(header) ? header[0] : header, body, ctx.webhookSecret)) {
      ctx.log.warn('webhook refused: missing or wrong X-Hub-Signature-256', { from: req.ip });
      throw new WebhookSignatureError({ signed: header !== undefined });
    }
    const id = deliveryId(req.headers);
    const verdict = ctx.deliveries.judge({ id, bodyDigest: createHash('sha256').update(body).digest('hex') }, ctx.now().getTime());
    if (verdict.kind === 'replay') {
      ctx.log.warn(`webhook: delivery ${id ?? '(no id)'} is a replay (same ${verdict.by} as an earlier one); not fetching`, { from: req.ip });
      return reply.code(200).send({ fetching: false, replay: true });
    }
    if (verdict.kind === 'rate-limited') {
      throw new WebhookRateLimitedError({ retryAfterSeconds: verdict.retryAfterSeconds });
    }
    ctx.triggerSync('webhook');
    return reply.code(202).send({ fetching: true });
  });
}

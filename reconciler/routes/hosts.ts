import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { InvalidHostNameError, InvalidReportError, UnauthorizedError } from '../../core/errors/index.js';
import { HOST_NAME } from '../../core/release.js';
import type { HostsResponse } from '../../core/wire/host-row.js';
import type { ServerContext } from '../context.js';
import { hostsView } from '../hosts-view.js';
import { MAX_REPORT_BYTES, reportSchema } from '../../core/wire/report.js';

const sha = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Constant-time: hashing first makes every comparison the same length. */
export function tokenAccepted(header: string | undefined, tokens: readonly string[]): boolean {
  if (tokens.length === 0) return true;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  const given = sha(m?.[1] ?? '');
  let ok = false;
  for (const t of tokens) ok = timingSafeEqual(given, sha(t)) || ok;
  return ok && m !== null;
}

export function registerHostRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post<{ Params: { host: string } }>('/v1/hosts/:host/reports', { bodyLimit: MAX_REPORT_BYTES }, async (req, reply) => {
    if (!tokenAccepted(req.headers.authorization, ctx.reportTokens)) {
      ctx.metrics.reports.inc({ result: 'unauthorized' });
      throw new UnauthorizedError({ host: req.params.host });
    }
    const host = req.params.host;
    if (!HOST_NAME.test(host)) throw new InvalidHostNameError({ role: 'report', host });
    const parsed = reportSchema.safeParse(req.body);
    if (!parsed.success) {
      ctx.metrics.reports.inc({ result: 'invalid' });
      const problems = parsed.error.issues.map((i) =>
        i.code === 'unrecognized_keys' ? `${i.keys.join(', ')}: unknown field` : `${i.path.map(String).join('.') || '(body)'}: ${i.message}`,
      );
      throw new InvalidReportError({ reason: 'schema', problems });
    }
    if (parsed.data.host !== host) {
      ctx.metrics.reports.inc({ result: 'invalid' });
      throw new InvalidReportError({ reason: 'host', host, reported: parsed.data.host });
    }
    await ctx.reports.put(host, { report: parsed.data, receivedAt: ctx.now().toISOString() });
    ctx.metrics.reports.inc({ result: 'accepted' });
    const head = ctx.served().heads[parsed.data.channel];
    return reply.code(202).send({ accepted: true, desired: head ? { revision: head.revision, digest: head.digest, commit: head.commit } : null });
  });

  app.get('/v1/hosts', async (): Promise<HostsResponse> => {
    return { hosts: hostsView(await ctx.reports.list(), ctx.served(), ctx.now(), ctx.staleAfterMs) };
  });
}

import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { matchEnrolled, type EnrolledHost } from '../../core/enrollment.js';
import {
  InvalidHostNameError,
  InvalidReportError,
  type OgygiaError,
  ReportSignatureError,
  TooManyHostsError,
  UnauthorizedError,
  UnenrolledHostError,
  UnsignedReportError,
} from '../../core/errors/index.js';
import { relateHosts } from '../../core/host-identity.js';
import { HOST_NAME } from '../../core/release.js';
import { isReportSignature, verifyReport } from '../../core/report-signing.js';
import { REPORT_SIGNATURE_HEADER } from '../../core/wire/report-signature.js';
import type { HostsResponse } from '../../core/wire/host-row.js';
import type { ServerContext } from '../context.js';
import { hostsView, servedBy } from '../hosts-view.js';
import { MAX_REPORT_BYTES, reportSchema } from '../../core/wire/report.js';
import type { StoredReport } from '../reports/store.js';

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

/** What a refusal counts as in `ogygia_reconciler_reports_total{result}`. */
type RefusalResult = 'invalid' | 'unauthorized' | 'full';

/**
 * POST /v1/hosts/:host/reports (docs/api.md). With hosts.toml on the branch
 * (ctx.enrollment) a report is kept only from an enrolled host, signed by its
 * enrolled key, with a growing `seq`; without it, with the bearer token when
 * tokens are configured. Either way the number of hosts is capped. Every
 * refusal has its own code, is counted by code, and keeps nothing.
 */
export function registerHostRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post<{ Params: { host: string } }>('/v1/hosts/:host/reports', { bodyLimit: MAX_REPORT_BYTES }, async (req, reply) => {
    const host = req.params.host;
    const refuse = (err: OgygiaError, result: RefusalResult): never => {
      ctx.metrics.reports.inc({ result });
      ctx.metrics.reportRefusals.inc({ code: err.code });
      throw err;
    };
    const enrollment = ctx.enrollment();
    if (enrollment.kind === 'open' && !tokenAccepted(req.headers.authorization, ctx.reportTokens)) refuse(new UnauthorizedError({ host }), 'unauthorized');
    if (!HOST_NAME.test(host)) refuse(new InvalidHostNameError({ role: 'report', host }), 'invalid');
    if (enrollment.kind === 'unusable') refuse(enrollment.error, 'unauthorized');
    let enrolled: EnrolledHost | undefined;
    if (enrollment.kind === 'enrolled') {
      const m = matchEnrolled(enrollment.enrollment, host);
      if (m.kind !== 'enrolled') refuse(new UnenrolledHostError(m.kind === 'look-alike' ? { host, lookAlike: m.name } : { host }), 'unauthorized');
      else enrolled = m.host;
    }
    const parsed = reportSchema.safeParse(req.body);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) =>
        i.code === 'unrecognized_keys' ? `${i.keys.join(', ')}: unknown field` : `${i.path.map(String).join('.') || '(body)'}: ${i.message}`,
      );
      return refuse(new InvalidReportError({ reason: 'schema', problems }), 'invalid');
    }
    if (enrolled) {
      // The body as parsed, through JCS: the bytes the agent signed, however the JSON was written.
      const signature = req.headers[REPORT_SIGNATURE_HEADER.toLowerCase()];
      if (signature === undefined) refuse(new UnsignedReportError({ host }), 'unauthorized');
      if (typeof signature !== 'string' || !isReportSignature(signature)) refuse(new ReportSignatureError({ host, reason: 'malformed' }), 'unauthorized');
      if (!verifyReport(req.body, signature as string, enrolled.key.bytes)) refuse(new ReportSignatureError({ host, reason: 'mismatch' }), 'unauthorized');
    }
    if (relateHosts(parsed.data.host, host) !== 'same') refuse(new InvalidReportError({ reason: 'host', host, reported: parsed.data.host }), 'invalid');
    const signer = enrolled ? Buffer.from(enrolled.key.bytes).toString('hex') : undefined;
    const stored: StoredReport = { report: parsed.data, receivedAt: ctx.now().toISOString(), ...(signer ? { signer } : {}) };
    const admission = await ctx.reports.keep(host, stored, { maxHosts: ctx.maxHosts, ...(signer ? { signer } : {}) });
    if (!admission.kept) refuse(admission.error, admission.error instanceof TooManyHostsError ? 'full' : 'unauthorized');
    ctx.metrics.reports.inc({ result: 'accepted' });
    ctx.rollouts.onReport(parsed.data.channel);
    const channelHead = ctx.served().heads[parsed.data.channel];
    const head = channelHead ? ctx.rollouts.releaseFor(parsed.data.channel, parsed.data.host, channelHead) : undefined;
    return reply.code(202).send({ accepted: true, desired: head ? { revision: head.revision, digest: head.digest, commit: head.commit } : null });
  });

  app.get('/v1/hosts', async (): Promise<HostsResponse> => {
    return { hosts: hostsView(await ctx.reports.list(), ctx.served(), ctx.now(), ctx.staleAfterMs, servedBy(ctx.rollouts)) };
  });
}

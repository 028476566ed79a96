import type { FastifyInstance } from 'fastify';
import { matchEnrolled, type EnrolledHost } from '../../core/enrollment.js';
import {
  InvalidHostNameError,
  InvalidReportError,
  RebootSlotBusyError,
  ReportReplayError,
  ReportSignatureError,
  UnauthorizedError,
  UnenrolledHostError,
  UnsignedReportError,
} from '../../core/errors/index.js';
import { canonicalHost, relateHosts } from '../../core/host-identity.js';
import { HOST_NAME } from '../../core/release.js';
import { isReportSignature, verifyReport } from '../../core/report-signing.js';
import { MAX_REBOOT_SLOT_BYTES, rebootSlotRequestSchema, type RebootSlotGrant } from '../../core/wire/reboot-slot.js';
import { REPORT_SIGNATURE_HEADER } from '../../core/wire/report-signature.js';
import type { ServerContext } from '../context.js';
import { decideSlot, liveSlots } from '../reboot-slots/decide.js';
import type { StoredReport } from '../reports/store.js';
import { tokenAccepted } from './hosts.js';

/**
 * POST /v1/hosts/:host/reboot-slot (DESIGN.md §4, §13, docs/api.md). Admitted
 * like a report: with hosts.toml on the branch only from the enrolled host,
 * signed by its key (under the reboot-slot prefix), with a `seq` above the
 * last report kept from it; without it, with the bearer token when tokens are
 * configured. Then at most `[rollout] max_concurrent_reboots` hosts of the
 * channel hold a slot: 200 granted, or 429 RebootSlotBusyError with Retry-After.
 */
export function registerRebootSlotRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post<{ Params: { host: string } }>('/v1/hosts/:host/reboot-slot', { bodyLimit: MAX_REBOOT_SLOT_BYTES }, async (req, reply) => {
    const host = req.params.host;
    const enrollment = ctx.enrollment();
    if (enrollment.kind === 'open' && !tokenAccepted(req.headers.authorization, ctx.reportTokens)) throw new UnauthorizedError({ host });
    if (!HOST_NAME.test(host)) throw new InvalidHostNameError({ role: 'report', host });
    if (enrollment.kind === 'unusable') throw enrollment.error;
    let enrolled: EnrolledHost | undefined;
    if (enrollment.kind === 'enrolled') {
      const m = matchEnrolled(enrollment.enrollment, host);
      if (m.kind !== 'enrolled') throw new UnenrolledHostError(m.kind === 'look-alike' ? { host, lookAlike: m.name } : { host });
      enrolled = m.host;
    }
    const parsed = rebootSlotRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) =>
        i.code === 'unrecognized_keys' ? `${i.keys.join(', ')}: unknown field` : `${i.path.map(String).join('.') || '(body)'}: ${i.message}`,
      );
      throw new InvalidReportError({ reason: 'schema', problems, body: 'reboot-slot' });
    }
    const ask = parsed.data;
    if (relateHosts(ask.host, host) !== 'same') throw new InvalidReportError({ reason: 'host', host, reported: ask.host, body: 'reboot-slot' });
    const reports = await ctx.reports.list();
    const last = new Map<string, StoredReport>(reports.map((r) => [canonicalHost(r.report.host), r]));
    if (enrolled) {
      const signature = req.headers[REPORT_SIGNATURE_HEADER.toLowerCase()];
      if (signature === undefined) throw new UnsignedReportError({ host });
      if (typeof signature !== 'string' || !isReportSignature(signature)) throw new ReportSignatureError({ host, reason: 'malformed' });
      if (!verifyReport(req.body, signature, enrolled.key.bytes, 'reboot-slot')) throw new ReportSignatureError({ host, reason: 'mismatch' });
      // A replayed request is refused once the host has reported after it: the same counter numbers both.
      const prev = last.get(canonicalHost(host));
      const signer = Buffer.from(enrolled.key.bytes).toString('hex');
      const lastSeq = prev && prev.signer === signer ? (prev.report.seq ?? null) : null;
      if (ask.seq === undefined || (lastSeq !== null && ask.seq <= lastSeq)) throw new ReportReplayError({ host, seq: ask.seq ?? null, last: lastSeq });
    }
    const { store, max, timeoutMs } = ctx.rebootSlots;
    const now = ctx.now();
    const d = await store.claim(ask.channel, max, (slots) =>
      decideSlot(liveSlots(slots, (h) => last.get(canonicalHost(h)), now), { channel: ask.channel, host: ask.host, digest: ask.digest }, max, now, timeoutMs),
    );
    if (!d.granted) {
      ctx.log.info(`reboot slot for ${ask.host} (channel ${ask.channel}) refused: held by ${d.holders.join(', ')}`);
      throw new RebootSlotBusyError({ host: ask.host, channel: ask.channel, max, holders: d.holders, retryAfterSeconds: d.retryAfterSeconds });
    }
    if (!d.renewed) ctx.log.info(`reboot slot for ${ask.host} (channel ${ask.channel}, ${ask.digest}) granted until ${d.slot.expiresAt}`);
    const body: RebootSlotGrant = { granted: true, channel: ask.channel, holders: [...d.holders], max, expiresAt: d.slot.expiresAt };
    return reply.code(200).send(body);
  });
}

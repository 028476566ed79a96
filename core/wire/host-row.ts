import { z } from 'zod';
import { REPORT_STATES, reportErrorSchema, reportSchema } from './report.js';
import { commitField, digestField, revisionField, timestampField } from './fields.js';

/**
 * One row of the reconciler's `GET /v1/hosts` (docs/api.md): a host's last
 * report, the release its channel serves and the state derived from both.
 * The reconciler builds its rows as this type (reconciler/hosts-view.ts);
 * `ogygia status` reads the body through `hostsResponseSchema`.
 */

/** A host's derived state (docs/api.md "Derived state"). */
export const HOST_STATES = ['in-sync', 'pending', 'applying', 'failed', 'rolled-back', 'stale', 'reboot-required', 'boot-failed'] as const;
export type HostState = (typeof HOST_STATES)[number];

const r = reportSchema.shape;

export const hostRowSchema = z.strictObject({
  host: r.host,
  channel: r.channel,
  /** Derived from the report, the served head and the time. */
  state: z.enum(HOST_STATES),
  /** The report's `state`. */
  agentState: z.enum(REPORT_STATES),
  /** What the channel serves now; null when the reconciler serves no release of it. */
  desired: z.strictObject({ revision: revisionField, digest: digestField, commit: commitField }).nullable(),
  /** The report's `revision`, `digest`, `commit`: what the host has applied. */
  applied: z.strictObject({ revision: r.revision, digest: r.digest, commit: r.commit }),
  current: r.current,
  booted: r.booted,
  nextboot: r.nextboot,
  error: reportErrorSchema.nullable(),
  agentVersion: r.agentVersion,
  reportedAt: r.reportedAt,
  /** When the reconciler (or a replica) received the report. */
  lastSeen: timestampField,
});
export type HostRow = z.output<typeof hostRowSchema>;

/** The whole `GET /v1/hosts` body: rows sorted by host. */
export const hostsResponseSchema = z.strictObject({ hosts: z.array(hostRowSchema) });
export type HostsResponse = z.output<typeof hostsResponseSchema>;

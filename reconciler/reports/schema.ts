import { z } from 'zod';
import { CHANNEL_NAME, DIGEST, HOST_NAME } from '../../core/release.js';

/** The largest report body the reconciler reads (bigger ones are refused before being read whole). */
export const MAX_REPORT_BYTES = 64 * 1024;

export const AGENT_STATES = ['idle', 'applying', 'applied', 'failed', 'rolled-back', 'refused'] as const;

const revisionText = z.string().max(128).nullable();
const timestamp = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/, 'must be an RFC 3339 time like 2026-11-21T10:00:00Z');

/**
 * What an agent POSTs to /v1/hosts/:host/reports (documented in docs/api.md).
 * `revision`, `digest` and `commit` are the release the host has applied
 * (null before its first one); `current`/`booted`/`nextboot` are the build
 * revisions `ogygia status` shows.
 */
export const reportSchema = z.strictObject({
  host: z.string().regex(HOST_NAME, 'must be a host name'),
  channel: z.string().regex(CHANNEL_NAME, 'must be a channel name'),
  state: z.enum(AGENT_STATES),
  revision: z.number().int().min(1).nullable(),
  digest: z.string().regex(DIGEST, 'must be sha256:<64 lowercase hex>').nullable(),
  commit: z.string().regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/, 'must be a git commit id').nullable(),
  current: revisionText.optional(),
  booted: revisionText.optional(),
  nextboot: revisionText.optional(),
  /** The last error: its code, a sentence, and (apply failures) the tail of the failing step's output. */
  error: z.strictObject({ code: z.string().min(1).max(128), message: z.string().max(4096), outputTail: z.string().max(4096).optional() }).optional(),
  timings: z.record(z.string().max(64), z.number().min(0)).optional(),
  agentVersion: z.string().min(1).max(64),
  reportedAt: timestamp,
});

export type Report = z.output<typeof reportSchema>;

/** A report as stored: the report plus when this reconciler (or a replica) received it. */
export interface StoredReport {
  readonly report: Report;
  readonly receivedAt: string;
}

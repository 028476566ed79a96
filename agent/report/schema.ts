import { z } from 'zod';

/**
 * The body an agent POSTs to `/v1/hosts/<host>/reports` (DESIGN.md §4–5).
 * Shared contract with the reconciler; documented in docs/agent.md.
 */
export const REPORT_STATES = ['idle', 'applying', 'applied', 'failed', 'rolled-back', 'refused'] as const;
export type ReportState = (typeof REPORT_STATES)[number];

export const agentReportSchema = z.strictObject({
  host: z.string().min(1).max(253),
  channel: z.string().min(1).max(63),
  state: z.enum(REPORT_STATES),
  /** The release this report is about (the one accepted, being applied, or refused); null when none. */
  revision: z.number().int().min(1).nullable(),
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/).nullable(),
  commit: z.string().max(64).nullable(),
  /** Build revisions (first 12 characters, or `unknown`) of /run/current-system, /run/booted-system and the profile. */
  current: z.string().max(64),
  booted: z.string().max(64),
  nextboot: z.string().max(64),
  error: z
    .strictObject({
      code: z.string().max(64),
      message: z.string().max(2048),
      outputTail: z.string().max(4096).optional(),
    })
    .optional(),
  /** Milliseconds per step of the last apply: copy, profile, switch, health, rollback, total. */
  timings: z.record(z.string().max(32), z.number().nonnegative()).optional(),
  agentVersion: z.string().max(64),
  reportedAt: z.string().datetime(),
});

export type AgentReport = z.output<typeof agentReportSchema>;

import { z } from 'zod';
import {
  ERROR_CODE,
  TEXT_MAX,
  TIMING_NAME,
  buildRevisionField,
  channelNameField,
  commitField,
  digestField,
  hostNameField,
  revisionField,
  timestampField,
  versionField,
} from './fields.js';

/**
 * The report an agent POSTs to the reconciler's `/v1/hosts/:host/reports`
 * (DESIGN.md §4–5, docs/api.md). The one definition: the agent builds and
 * checks its reports with it before sending, the reconciler accepts exactly
 * what it accepts, and `test/api-docs.test.ts` holds docs/api.md to it.
 */

/** The largest report body the reconciler reads (bigger ones are refused before being read whole). */
export const MAX_REPORT_BYTES = 64 * 1024;

/**
 * What the agent is doing, or did last. `reboot-required`: the release is
 * switched to and healthy, but its kernel, initrd or kernel modules differ
 * from the booted system's, so it is complete only after a reboot (DESIGN.md
 * §13); `boot-failed`: after that reboot the machine came back on another
 * system, and the release is quarantined.
 */
export const REPORT_STATES = ['idle', 'applying', 'applied', 'failed', 'rolled-back', 'refused', 'reboot-required', 'boot-failed'] as const;
export type ReportState = (typeof REPORT_STATES)[number];

/** The longest `error.message` and `error.outputTail`, in characters: the agent cuts longer text to fit (the message's start, the tail's end). */
export const REPORT_TEXT_MAX = TEXT_MAX;

/** The most step durations one report carries. */
export const MAX_TIMINGS = 32;

/** A report's sequence number: a whole number from 1 up to 2^53 - 1 (the agent starts from the clock in milliseconds). */
export const reportSeqField = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** The last error: its code, a sentence, and (apply failures) the end of the failing step's output. */
export const reportErrorSchema = z.strictObject({
  code: z.string().regex(ERROR_CODE, 'must be an error code (the error class name)'),
  message: z.string().max(REPORT_TEXT_MAX),
  outputTail: z.string().max(REPORT_TEXT_MAX).optional(),
});
export type ReportError = z.output<typeof reportErrorSchema>;

export const reportSchema = z.strictObject({
  host: hostNameField,
  channel: channelNameField,
  state: z.enum(REPORT_STATES),
  /** The release this host has applied (null before its first): the reconciler compares it with the served head. */
  revision: revisionField.nullable(),
  digest: digestField.nullable(),
  commit: commitField.nullable(),
  /** Build revisions (first 12 characters, or `unknown`) of /run/current-system, /run/booted-system and the profile. */
  current: buildRevisionField,
  booted: buildRevisionField,
  nextboot: buildRevisionField,
  error: reportErrorSchema.optional(),
  /** Milliseconds per step of the last apply: copy, profile, switch, health, rollback, total. */
  timings: z
    .record(z.string().regex(TIMING_NAME, 'must be a step name'), z.number().nonnegative())
    .refine((t) => Object.keys(t).length <= MAX_TIMINGS, `at most ${MAX_TIMINGS} timings`)
    .optional(),
  agentVersion: versionField,
  /** When the agent made the report. */
  reportedAt: timestampField,
  /**
   * Grows with every report the host sends (DESIGN.md §11): the agent keeps
   * it in its state directory and never sends one twice. Optional on the
   * wire so reconcilers without enrollment keep taking reports from agents
   * older than it; with hosts.toml on the branch a report without one is
   * refused (ReportReplayError), since a replay could not be told apart.
   */
  seq: reportSeqField.optional(),
});

export type Report = z.output<typeof reportSchema>;

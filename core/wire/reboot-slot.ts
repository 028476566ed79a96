import { z } from 'zod';
import { channelNameField, digestField, hostNameField, timestampField } from './fields.js';
import { reportSeqField } from './report.js';

/**
 * `POST /v1/hosts/:host/reboot-slot` (DESIGN.md §4, §13, docs/api.md): an
 * agent whose applied release needs a reboot asks before it reboots. The
 * request is signed like a report (core/report-signing.ts, with its own
 * prefix so neither signature is ever valid as the other) and numbered from
 * the same `seq` counter as the host's reports.
 */

/** The largest request body the reconciler reads. */
export const MAX_REBOOT_SLOT_BYTES = 4 * 1024;

export const rebootSlotRequestSchema = z.strictObject({
  host: hostNameField,
  channel: channelNameField,
  /** The release the host applied and will boot into: the slot is released when the host reports in-sync on it after booting. */
  digest: digestField,
  requestedAt: timestampField,
  seq: reportSeqField.optional(),
});
export type RebootSlotRequest = z.output<typeof rebootSlotRequestSchema>;

/** 200: the host may reboot now; it holds the slot until `expiresAt` at the latest. */
export const rebootSlotGrantSchema = z.strictObject({
  granted: z.literal(true),
  channel: channelNameField,
  /** Hosts of the channel holding a slot, this one included. */
  holders: z.array(hostNameField),
  max: z.number().int().min(1),
  expiresAt: timestampField,
});
export type RebootSlotGrant = z.output<typeof rebootSlotGrantSchema>;

import { z } from 'zod';
import { channelNameField, commitField, digestField, revisionField, timestampField } from './fields.js';

/**
 * The answer to `GET /v1/channels` (DESIGN.md §4, §12): every channel's
 * served head, its refusal if its newest commit was refused, and the
 * progress of a staged rollout. The reconciler builds it; `ogygia rollout
 * status`, the dashboard's tests and operators' tools read it through this
 * schema.
 */

/** Where a staged rollout stands (DESIGN §12). */
export const rolloutProgressSchema = z.object({
  /** `in-progress` (wave `wave` of `waves` is open), `halted` (no further host gets it), `complete` (every host may have it). */
  state: z.enum(['in-progress', 'halted', 'complete']),
  /** The release being rolled out. */
  revision: revisionField,
  digest: digestField,
  /** The open wave, counting from 1; with `complete`, equal to `waves`. */
  wave: z.number().int().min(1),
  waves: z.number().int().min(1),
  /** Hosts of the open waves, and every host the plan holds. */
  hostsInWaves: z.number().int().min(0),
  hostsTotal: z.number().int().min(0),
  /** Hosts that report in-sync on the release's digest. */
  hostsDone: z.number().int().min(0),
  /** Hosts that report failed, refused or rolled-back for the digest; more than `maxFailures` halts. */
  failures: z.number().int().min(0),
  maxFailures: z.number().int().min(0),
  /** Why it halted (hosts and their error codes), or null. */
  haltReason: z.string().max(4096).nullable(),
  /** When the open wave opened, and when the next one opens at the earliest (its soak ends), when known. */
  waveOpenedAt: timestampField.nullable(),
  nextWaveAt: timestampField.nullable(),
  /** What hosts outside the open waves are served: the newest release whose rollout completed (or that had none). */
  fallback: z.object({ revision: revisionField, digest: digestField }).nullable(),
});

export type RolloutProgress = z.output<typeof rolloutProgressSchema>;

const refusalSchema = z.object({
  code: z.string().min(1),
  message: z.string(),
  commit: commitField,
  at: z.string(),
  revision: z.number().int().optional(),
  digest: digestField.optional(),
});

export const channelListEntrySchema = z.object({
  name: channelNameField,
  revision: revisionField.nullable(),
  digest: digestField.nullable(),
  commit: commitField.nullable(),
  committedAt: z.string().nullable(),
  servedAt: z.string().nullable(),
  refusal: refusalSchema.nullable(),
  /** The channel's staged rollout, or null when its head carries none. */
  rollout: rolloutProgressSchema.nullable(),
});

export const channelListSchema = z.object({
  branch: z.object({ name: z.string(), commit: commitField.nullable(), refusal: refusalSchema.nullable() }),
  channels: z.array(channelListEntrySchema),
});

export type ChannelListEntry = z.output<typeof channelListEntrySchema>;
export type ChannelList = z.output<typeof channelListSchema>;

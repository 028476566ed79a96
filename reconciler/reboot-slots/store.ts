import { z } from 'zod';
import { channelNameField, digestField, hostNameField, timestampField } from '../../core/wire/fields.js';
import type { RebootSlot, SlotDecision } from './decide.js';

/**
 * Where reboot slots live: in memory (one reconciler; a restart forgets them,
 * which only lets the next hosts reboot sooner), or in etcd with a lease per
 * slot (replicas agree, and an abandoned slot vanishes with its lease).
 */
export interface RebootSlotStore {
  readonly kind: 'memory' | 'etcd';
  /**
   * Read the channel's slots, let `decide` answer (it filters expired and
   * released slots itself), and record a grant, as one step: two hosts asking
   * at once cannot both take the last slot.
   */
  claim(channel: string, max: number, decide: (slots: readonly RebootSlot[]) => SlotDecision): Promise<SlotDecision>;
  close(): Promise<void>;
}

export const rebootSlotSchema = z.strictObject({
  channel: channelNameField,
  host: hostNameField,
  digest: digestField,
  grantedAt: timestampField,
  expiresAt: timestampField,
});

/** Pure: a stored slot read back; undefined when it is not one. */
export function parseSlot(text: string): RebootSlot | undefined {
  try {
    const p = rebootSlotSchema.safeParse(JSON.parse(text));
    return p.success ? p.data : undefined;
  } catch {
    return undefined;
  }
}

export function openMemorySlots(): RebootSlotStore {
  const byChannel = new Map<string, RebootSlot[]>();
  return {
    kind: 'memory',
    async claim(channel, _max, decide) {
      const slots = byChannel.get(channel) ?? [];
      const d = decide(slots);
      // Only slots still held (or just granted) are kept: released and expired ones go.
      const keep = new Set(d.holders);
      const next = slots.filter((s) => keep.has(s.host) && !(d.granted && s.host === d.slot.host));
      byChannel.set(channel, d.granted ? [...next, d.slot] : next);
      return d;
    },
    async close() {},
  };
}

import { relateHosts } from '../../core/host-identity.js';
import type { StoredReport } from '../reports/store.js';

/**
 * Pure: the reboot slots of DESIGN.md §13. At most `max` hosts of a channel
 * reboot at once (`[rollout] max_concurrent_reboots`). A host holds its slot
 * until it reports in-sync on the digest it rebooted for with booted =
 * current (or that its reboot ended otherwise: `slotReleased`), or until the slot
 * expires (`[rollout] reboot_slot_timeout_seconds`), whichever comes first.
 */

/** A slot as stored: which host holds it, for which release, since and until when (ISO times). */
export interface RebootSlot {
  readonly channel: string;
  readonly host: string;
  readonly digest: string;
  readonly grantedAt: string;
  readonly expiresAt: string;
}

/**
 * Pure: whether a host's last report (received after the grant) ends its
 * slot: in-sync on the digest with booted = current (it booted the release),
 * or a report that says its reboot is over otherwise (`boot-failed`,
 * `rolled-back`, `failed`: a failed reboot command asks again).
 */
export function slotReleased(slot: RebootSlot, last: StoredReport | undefined): boolean {
  if (!last || last.receivedAt < slot.grantedAt) return false;
  const r = last.report;
  if (relateHosts(r.host, slot.host) !== 'same') return false;
  if (r.state === 'boot-failed' || r.state === 'rolled-back' || r.state === 'failed') return true;
  return r.state === 'applied' && r.digest === slot.digest && r.current === r.booted && r.current !== 'unknown';
}

/** Pure: the slots still held at `now`: not expired, not released by their host's last report. */
export function liveSlots(slots: readonly RebootSlot[], lastReport: (host: string) => StoredReport | undefined, now: Date): RebootSlot[] {
  const t = now.toISOString();
  return slots.filter((s) => s.expiresAt > t && !slotReleased(s, lastReport(s.host)));
}

export type SlotDecision =
  | { readonly granted: true; readonly slot: RebootSlot; readonly holders: readonly string[]; readonly renewed: boolean }
  | { readonly granted: false; readonly holders: readonly string[]; readonly retryAfterSeconds: number };

/** Ask again at most this long after a refusal, at least this soon: a slot frees when its host reports, which is not on a clock. */
export const RETRY_AFTER_MIN_SECONDS = 5;
export const RETRY_AFTER_MAX_SECONDS = 60;

/**
 * Pure: a host asks for a slot on its channel, given the channel's live slots.
 * The host that already holds one keeps it (asking again is harmless: an agent
 * restarted, or a request whose answer was lost); otherwise it gets one while
 * fewer than `max` are held, else a refusal with when to ask again.
 */
export function decideSlot(
  live: readonly RebootSlot[],
  ask: { readonly channel: string; readonly host: string; readonly digest: string },
  max: number,
  now: Date,
  timeoutMs: number,
): SlotDecision {
  const mine = live.filter((s) => s.channel === ask.channel);
  const held = mine.find((s) => relateHosts(s.host, ask.host) === 'same');
  const holders = mine.map((s) => s.host);
  if (held && held.digest === ask.digest) return { granted: true, slot: held, holders, renewed: true };
  const others = mine.filter((s) => s !== held);
  if (others.length < max) {
    const slot = { channel: ask.channel, host: ask.host, digest: ask.digest, grantedAt: now.toISOString(), expiresAt: new Date(now.getTime() + timeoutMs).toISOString() };
    return { granted: true, slot, holders: [...others.map((s) => s.host), ask.host], renewed: false };
  }
  const soonest = Math.min(...others.map((s) => Date.parse(s.expiresAt) - now.getTime()));
  const retryAfterSeconds = Math.min(RETRY_AFTER_MAX_SECONDS, Math.max(RETRY_AFTER_MIN_SECONDS, Math.ceil(soonest / 1000)));
  return { granted: false, holders, retryAfterSeconds };
}

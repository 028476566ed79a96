import { insideWindow, msOfDay, rebootDelayMs, type RebootWindow } from './window.js';

/**
 * Pure: what an agent whose applied release waits for a reboot does now
 * (DESIGN.md §13). `never` only reports; `when-required` reboots inside the
 * window, after the reconciler grants a slot (`slots`: the source is a
 * reconciler) or, from a git source, at a random moment in what is left of
 * the window (`notBefore`, drawn once per window and kept by the caller).
 */
export type RebootPolicy = 'never' | 'when-required';

export interface RebootSituation {
  readonly policy: RebootPolicy;
  readonly window: RebootWindow | undefined;
  readonly now: Date;
  /** A reconciler hands out reboot slots. */
  readonly slots: boolean;
  /** When a git-source agent drew its moment for this window (epoch ms); undefined before it drew one. */
  readonly notBefore: number | undefined;
  /** A draw in [0, 1), used only when `notBefore` is undefined. */
  readonly random: number;
}

export type RebootDecision =
  | { readonly kind: 'never' }
  /** Outside the window: wait for it (a moment drawn for an earlier window is dropped). */
  | { readonly kind: 'outside-window' }
  | { readonly kind: 'ask-slot' }
  /** Git source: wait until `notBefore` (keep it). */
  | { readonly kind: 'wait'; readonly notBefore: number }
  | { readonly kind: 'reboot' };

export function decideReboot(s: RebootSituation): RebootDecision {
  if (s.policy === 'never') return { kind: 'never' };
  if (!insideWindow(s.window, msOfDay(s.now))) return { kind: 'outside-window' };
  if (s.slots) return { kind: 'ask-slot' };
  const notBefore = s.notBefore ?? s.now.getTime() + rebootDelayMs(s.window, msOfDay(s.now), s.random);
  return s.now.getTime() >= notBefore ? { kind: 'reboot' } : { kind: 'wait', notBefore };
}

import type { OgygiaError } from '../core/errors/index.js';

/** What one poll (or the start-up recovery) did; `--once` turns it into an exit status. */
export type PollOutcome =
  | 'unchanged' // the source reported no change
  | 'up-to-date' // the head is what this host runs
  | 'quarantined' // the head was rolled back here before; waiting for a newer release
  | 'applied'
  | 'reboot-required' // applied, but its kernel, initrd or modules need a reboot that is not due (policy never, outside the window, no slot yet)
  | 'rebooting' // the reboot command ran
  | 'boot-failed' // after the reboot the machine came back on another system
  | 'would-apply' // --dry-run: verified and planned, nothing touched
  | 'refused' // verification refused the head
  | 'rolled-back'
  | 'failed' // an apply failed without a rollback (e.g. nix copy), a rollback failed, or the agent cannot apply safely
  | 'source-unavailable';

export interface PollResult {
  readonly outcome: PollOutcome;
  readonly error?: OgygiaError;
  readonly revision?: number;
}

/** Outcomes after which the loop backs off instead of polling at its usual pace. */
export function isErrorOutcome(outcome: PollOutcome): boolean {
  return outcome === 'source-unavailable' || outcome === 'failed';
}

/** Outcomes that say "nothing new happened" (the poll changed nothing on this host). */
export function isQuietOutcome(outcome: PollOutcome): boolean {
  return outcome === 'unchanged' || outcome === 'up-to-date' || outcome === 'quarantined';
}

/**
 * Pure: what `ogygia agent --once` reports after the start-up recovery and one
 * poll. A recovery that did something is the answer when the poll then had
 * nothing new to say; otherwise the poll is.
 */
export function onceOutcome(recovered: PollResult | undefined, polled: PollResult): PollResult {
  return recovered && isQuietOutcome(polled.outcome) ? recovered : polled;
}

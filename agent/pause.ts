import { isErrorOutcome, type PollOutcome } from './outcome.js';

/**
 * Pure: how long the agent's loop waits before its next poll. After an error
 * (source unavailable, a failed apply) it backs off 2, 4, ... 64 s, never
 * longer than the poll interval, and waits a random part of the upper half of
 * that window so a fleet that lost its reconciler together does not come back
 * in step. The random part is drawn by the caller and passed in as `jitter`.
 */
export interface PauseInput {
  readonly outcome: PollOutcome;
  /** Error outcomes in a row before this poll. */
  readonly errorStreak: number;
  readonly pollIntervalMs: number;
  /** The long-poll hold asked of the source (`wait_seconds`); 0 when the agent polls at the interval. */
  readonly waitSeconds: number;
  /** How long this poll took. */
  readonly elapsedMs: number;
  /** A value in [0, 1) (Math.random() in production): where in the back-off window this host waits. */
  readonly jitter: number;
}

export interface Pause {
  readonly ms: number;
  /** The error streak to pass in after the next poll. */
  readonly errorStreak: number;
}

export const BACKOFF_BASE_MS = 1000;
/** 2^6 s = 64 s: the longest back-off step. */
export const BACKOFF_MAX_DOUBLINGS = 6;
/** A long-poll that comes back sooner than this is followed by a pause of this long (a server that answers at once). */
export const LONG_POLL_GUARD_MS = 1000;

/** The back-off window after `streak` errors in a row (streak ≥ 1). */
export function backoffWindowMs(streak: number, pollIntervalMs: number): number {
  return Math.min(pollIntervalMs, BACKOFF_BASE_MS * 2 ** Math.min(Math.max(streak, 1), BACKOFF_MAX_DOUBLINGS));
}

export function nextPause(i: PauseInput): Pause {
  if (isErrorOutcome(i.outcome)) {
    const errorStreak = i.errorStreak + 1;
    const window = backoffWindowMs(errorStreak, i.pollIntervalMs);
    const j = Number.isFinite(i.jitter) ? Math.min(Math.max(i.jitter, 0), 1) : 1;
    return { ms: Math.round(window * (0.5 + j / 2)), errorStreak };
  }
  // A reconciler long-poll already waited for a change; only guard against a server that answers at once.
  if (i.waitSeconds > 0) return { ms: i.elapsedMs < LONG_POLL_GUARD_MS ? LONG_POLL_GUARD_MS : 0, errorStreak: 0 };
  return { ms: i.pollIntervalMs, errorStreak: 0 };
}

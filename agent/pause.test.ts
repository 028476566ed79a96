import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PollOutcome } from './outcome.js';
import { backoffWindowMs, nextPause, type PauseInput } from './pause.js';

const base: PauseInput = { outcome: 'unchanged', errorStreak: 0, pollIntervalMs: 60_000, waitSeconds: 0, elapsedMs: 5, jitter: 0.5 };
const OUTCOMES: readonly PollOutcome[] = ['unchanged', 'up-to-date', 'quarantined', 'applied', 'would-apply', 'refused', 'rolled-back', 'failed', 'source-unavailable'];

describe('nextPause', () => {
  it('polls a git source at the poll interval', () => {
    expect(nextPause(base)).toEqual({ ms: 60_000, errorStreak: 0 });
    expect(nextPause({ ...base, outcome: 'applied', errorStreak: 4 })).toEqual({ ms: 60_000, errorStreak: 0 });
  });

  it('goes straight back to a long-poll that waited, and pauses 1 s after one that answered at once', () => {
    expect(nextPause({ ...base, waitSeconds: 55, elapsedMs: 55_000 })).toEqual({ ms: 0, errorStreak: 0 });
    expect(nextPause({ ...base, waitSeconds: 55, elapsedMs: 1000 })).toEqual({ ms: 0, errorStreak: 0 });
    expect(nextPause({ ...base, waitSeconds: 55, elapsedMs: 999 })).toEqual({ ms: 1000, errorStreak: 0 });
  });

  it('backs off 2, 4, ... 64 s after errors in a row, the full window at the top of the jitter', () => {
    const windows = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => nextPause({ ...base, outcome: 'source-unavailable', errorStreak: n - 1, pollIntervalMs: 600_000, jitter: 1 }));
    expect(windows.map((p) => p.ms)).toEqual([2000, 4000, 8000, 16_000, 32_000, 64_000, 64_000, 64_000]);
    expect(windows.map((p) => p.errorStreak)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('waits between half and all of the window, as the jitter says', () => {
    const failed = { ...base, outcome: 'failed' as const, errorStreak: 2 };
    expect(nextPause({ ...failed, jitter: 0 }).ms).toBe(4000);
    expect(nextPause({ ...failed, jitter: 0.5 }).ms).toBe(6000);
    expect(nextPause({ ...failed, jitter: 0.999 }).ms).toBe(7996);
  });

  it('never backs off longer than the poll interval', () => {
    expect(nextPause({ ...base, outcome: 'failed', errorStreak: 9, pollIntervalMs: 1000, jitter: 1 })).toEqual({ ms: 1000, errorStreak: 10 });
    expect(nextPause({ ...base, outcome: 'failed', errorStreak: 0, pollIntervalMs: 1000, jitter: 0 })).toEqual({ ms: 500, errorStreak: 1 });
  });

  it('resets the streak after a poll that did not fail, even a long-poll', () => {
    expect(nextPause({ ...base, outcome: 'refused', errorStreak: 5, waitSeconds: 55, elapsedMs: 10 })).toEqual({ ms: 1000, errorStreak: 0 });
  });

  it('treats a jitter outside [0, 1] as its nearest end', () => {
    const failed = { ...base, outcome: 'failed' as const };
    expect(nextPause({ ...failed, jitter: -3 }).ms).toBe(1000);
    expect(nextPause({ ...failed, jitter: 7 }).ms).toBe(2000);
    expect(nextPause({ ...failed, jitter: Number.NaN }).ms).toBe(2000);
  });

  it('property: a pause is never negative, never above max(interval, 1 s), and grows with the jitter', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...OUTCOMES),
        fc.nat(100),
        fc.integer({ min: 1000, max: 86_400_000 }),
        fc.integer({ min: 0, max: 300 }),
        fc.nat(400_000),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (outcome, errorStreak, pollIntervalMs, waitSeconds, elapsedMs, j1, j2) => {
          const i = { outcome, errorStreak, pollIntervalMs, waitSeconds, elapsedMs };
          const p = nextPause({ ...i, jitter: j1 });
          expect(p.ms).toBeGreaterThanOrEqual(0);
          expect(p.ms).toBeLessThanOrEqual(Math.max(pollIntervalMs, 1000));
          const [lo, hi] = j1 <= j2 ? [j1, j2] : [j2, j1];
          expect(nextPause({ ...i, jitter: lo }).ms).toBeLessThanOrEqual(nextPause({ ...i, jitter: hi }).ms);
          if (outcome === 'failed' || outcome === 'source-unavailable') {
            expect(p.errorStreak).toBe(errorStreak + 1);
            expect(p.ms).toBeGreaterThanOrEqual(Math.floor(backoffWindowMs(errorStreak + 1, pollIntervalMs) / 2));
          } else {
            expect(p.errorStreak).toBe(0);
          }
        },
      ),
    );
  });
});

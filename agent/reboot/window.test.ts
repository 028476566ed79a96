import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS, formatWindow, insideWindow, msLeftInWindow, msOfDay, parseWindow, rebootDelayMs, type RebootWindow } from './window.js';

const at = (h: number, m: number, s = 0): number => ((h * 60 + m) * 60 + s) * 1000;
const w = (text: string): RebootWindow => {
  const r = parseWindow(text);
  if (typeof r === 'string') throw new Error(r);
  return r;
};

describe('parseWindow', () => {
  it.each([
    ['02:00-04:00', { start: at(2, 0), end: at(4, 0) }],
    ['23:00-01:30', { start: at(23, 0), end: at(1, 30) }],
    ['00:00-23:59', { start: 0, end: at(23, 59) }],
    ['22:15-06:45', { start: at(22, 15), end: at(6, 45) }],
  ])('%s', (text, want) => {
    expect(parseWindow(text)).toEqual(want);
  });

  it.each(['', '2:00-4:00', '02:00', '02:00-24:00', '25:00-01:00', '02:60-03:00', '02:00 - 04:00', '02:00-04:00 ', 'always', '03:00-03:00'])('refuses %j', (text) => {
    expect(typeof parseWindow(text)).toBe('string');
  });

  it('reads back what it formats', () => {
    const minute = fc.integer({ min: 0, max: 24 * 60 - 1 });
    fc.assert(
      fc.property(minute, minute, (a, b) => {
        fc.pre(a !== b);
        const win = { start: a * 60_000, end: b * 60_000 };
        expect(parseWindow(formatWindow(win))).toEqual(win);
      }),
    );
  });
});

describe('insideWindow', () => {
  it.each([
    ['02:00-04:00', at(2, 0), true],
    ['02:00-04:00', at(3, 59, 59), true],
    ['02:00-04:00', at(4, 0), false],
    ['02:00-04:00', at(1, 59, 59), false],
    ['02:00-04:00', at(12, 0), false],
    // Wrapping midnight.
    ['23:00-01:30', at(23, 0), true],
    ['23:00-01:30', at(23, 59, 59), true],
    ['23:00-01:30', at(0, 0), true],
    ['23:00-01:30', at(1, 29, 59), true],
    ['23:00-01:30', at(1, 30), false],
    ['23:00-01:30', at(22, 59, 59), false],
    ['23:00-01:30', at(12, 0), false],
  ] as const)('%s at %d ms: %s', (text, t, want) => {
    expect(insideWindow(w(text), t)).toBe(want);
  });

  it('is always inside without a window', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: DAY_MS - 1 }), (t) => insideWindow(undefined, t)));
  });

  const minute = fc.integer({ min: 0, max: 24 * 60 - 1 });
  const time = fc.integer({ min: 0, max: DAY_MS - 1 });

  it('a window and the window from its end to its start split the day', () => {
    fc.assert(
      fc.property(minute, minute, time, (a, b, t) => {
        fc.pre(a !== b);
        const win = { start: a * 60_000, end: b * 60_000 };
        const rest = { start: win.end, end: win.start };
        expect(insideWindow(win, t)).toBe(!insideWindow(rest, t));
      }),
    );
  });

  it('is inside for exactly the window length, counted around the clock', () => {
    fc.assert(
      fc.property(minute, minute, (a, b) => {
        fc.pre(a !== b);
        const win = { start: a * 60_000, end: b * 60_000 };
        let inside = 0;
        for (let m = 0; m < 24 * 60; m++) if (insideWindow(win, m * 60_000)) inside++;
        expect(inside).toBe((((b - a) % 1440) + 1440) % 1440);
      }),
      { numRuns: 50 },
    );
  });
});

describe('msLeftInWindow and rebootDelayMs', () => {
  it.each([
    ['02:00-04:00', at(3, 0), at(1, 0)],
    ['02:00-04:00', at(5, 0), 0],
    ['23:00-01:30', at(23, 30), at(2, 0)],
    ['23:00-01:30', at(1, 0), at(0, 30)],
  ] as const)('%s at %d ms leaves %d ms', (text, t, want) => {
    expect(msLeftInWindow(w(text), t)).toBe(want);
  });

  it('waits nothing without a window or outside one', () => {
    expect(rebootDelayMs(undefined, at(3, 0), 0.7)).toBe(0);
    expect(rebootDelayMs(w('02:00-04:00'), at(5, 0), 0.7)).toBe(0);
  });

  it('spreads over what is left of the window', () => {
    expect(rebootDelayMs(w('02:00-04:00'), at(3, 0), 0.5)).toBe(at(0, 30));
    expect(rebootDelayMs(w('23:00-01:00'), at(23, 0), 0.25)).toBe(at(0, 30));
  });

  it('always reboots inside the window, whatever the random draw (also across midnight)', () => {
    const minute = fc.integer({ min: 0, max: 24 * 60 - 1 });
    fc.assert(
      fc.property(minute, minute, fc.integer({ min: 0, max: DAY_MS - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), (a, b, t, r) => {
        fc.pre(a !== b);
        const win = { start: a * 60_000, end: b * 60_000 };
        const d = rebootDelayMs(win, t, r);
        expect(d).toBeGreaterThanOrEqual(0);
        if (!insideWindow(win, t)) expect(d).toBe(0);
        else expect(insideWindow(win, (t + d) % DAY_MS)).toBe(true);
      }),
    );
  });
});

describe('msOfDay', () => {
  it('reads the local clock', () => {
    expect(msOfDay(new Date(2026, 10, 27, 2, 30, 15, 5))).toBe(at(2, 30, 15) + 5);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideReboot, type RebootSituation } from './decide.js';
import { parseWindow, type RebootWindow } from './window.js';

const win = (t: string): RebootWindow => parseWindow(t) as RebootWindow;
const local = (h: number, m: number): Date => new Date(2026, 10, 27, h, m, 0, 0);
const base: RebootSituation = { policy: 'when-required', window: win('02:00-04:00'), now: local(3, 0), slots: false, notBefore: undefined, random: 0 };

describe('decideReboot', () => {
  it.each([
    ['policy never, inside the window', { policy: 'never' as const }, { kind: 'never' }],
    ['policy never, no window', { policy: 'never' as const, window: undefined }, { kind: 'never' }],
    ['outside the window', { now: local(12, 0) }, { kind: 'outside-window' }],
    ['outside a window across midnight', { window: win('23:00-01:00'), now: local(1, 0) }, { kind: 'outside-window' }],
    ['inside a window across midnight, random 0', { window: win('23:00-01:00'), now: local(0, 30) }, { kind: 'reboot' }],
    ['a reconciler source asks for a slot', { slots: true }, { kind: 'ask-slot' }],
    ['a reconciler source outside the window waits', { slots: true, now: local(5, 0) }, { kind: 'outside-window' }],
    ['no window: any time, at once', { window: undefined, now: local(13, 37), random: 0.9 }, { kind: 'reboot' }],
    ['git source draws half of what is left', { random: 0.5 }, { kind: 'wait', notBefore: local(3, 30).getTime() }],
    ['git source keeps its draw', { notBefore: local(3, 30).getTime(), random: 0 }, { kind: 'wait', notBefore: local(3, 30).getTime() }],
    ['git source reboots once its moment came', { notBefore: local(3, 0).getTime(), random: 0.9 }, { kind: 'reboot' }],
  ])('%s', (_name, over, want) => {
    expect(decideReboot({ ...base, ...over })).toEqual(want);
  });

  it('never reboots outside the window or with policy never, whatever else holds', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('never' as const, 'when-required' as const),
        fc.integer({ min: 0, max: 24 * 60 - 1 }),
        fc.boolean(),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (policy, minute, slots, random) => {
          const now = local(Math.floor(minute / 60), minute % 60);
          const d = decideReboot({ ...base, policy, now, slots, random });
          const inside = minute >= 120 && minute < 240;
          if (policy === 'never') expect(d.kind).toBe('never');
          else if (!inside) expect(d.kind).toBe('outside-window');
          else expect(['ask-slot', 'wait', 'reboot']).toContain(d.kind);
          if (d.kind === 'wait') expect(d.notBefore).toBeLessThan(local(4, 0).getTime());
        },
      ),
    );
  });
});

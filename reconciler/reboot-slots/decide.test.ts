import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredReport } from '../reports/store.js';
import { decideSlot, liveSlots, RETRY_AFTER_MAX_SECONDS, RETRY_AFTER_MIN_SECONDS, slotReleased, type RebootSlot } from './decide.js';

const D = 'sha256:' + 'd'.repeat(64);
const E = 'sha256:' + 'e'.repeat(64);
const NOW = new Date('2026-11-27T03:00:00Z');
const MIN = 60_000;
const slot = (host: string, over: Partial<RebootSlot> = {}): RebootSlot => ({
  channel: 'prod',
  host,
  digest: D,
  grantedAt: '2026-11-27T02:50:00.000Z',
  expiresAt: '2026-11-27T03:20:00.000Z',
  ...over,
});
const report = (host: string, over: Partial<StoredReport['report']> = {}, receivedAt = '2026-11-27T02:55:00.000Z'): StoredReport => ({
  report: {
    host,
    channel: 'prod',
    state: 'applied',
    revision: 4,
    digest: D,
    commit: 'c'.repeat(40),
    current: 'rev-b-012345',
    booted: 'rev-b-012345',
    nextboot: 'rev-b-012345',
    agentVersion: '0.1.0',
    reportedAt: receivedAt,
    ...over,
  },
  receivedAt,
});

describe('slotReleased', () => {
  it.each([
    ['in-sync on the digest with booted = current', report('web01'), true],
    ['boot-failed: the reboot is over', report('web01', { state: 'boot-failed', digest: E }), true],
    ['rolled back after the boot (unhealthy)', report('web01', { state: 'rolled-back', digest: E }), true],
    ['the reboot command failed (it asks again)', report('web01', { state: 'failed', digest: E }), true],
    ['rebooting: the report sent right before the command', report('web01', { state: 'reboot-required', digest: E, booted: 'rev-a-012345' }), false],
    ['still waiting for the reboot', report('web01', { state: 'reboot-required', booted: 'rev-a-012345' }), false],
    ['applied, but still on the old kernel (booted ≠ current)', report('web01', { booted: 'rev-a-012345' }), false],
    ['applied on another digest', report('web01', { digest: E }), false],
    ['revisions unknown', report('web01', { current: 'unknown', booted: 'unknown' }), false],
    ['a report from before the grant', report('web01', {}, '2026-11-27T02:40:00.000Z'), false],
    ['no report', undefined, false],
  ] as const)('%s: %s', (_name, last, want) => {
    expect(slotReleased(slot('web01'), last)).toBe(want);
  });
});

describe('liveSlots', () => {
  it('drops expired and released slots', () => {
    const slots = [slot('web01'), slot('web02', { expiresAt: '2026-11-27T02:59:59.000Z' }), slot('web03')];
    const reports = new Map([['web03', report('web03')]]);
    expect(liveSlots(slots, (h) => reports.get(h), NOW).map((s) => s.host)).toEqual(['web01']);
  });
});

describe('decideSlot', () => {
  const ask = (host: string, digest = D) => ({ channel: 'prod', host, digest });

  it('grants a free slot until the timeout', () => {
    expect(decideSlot([], ask('web01'), 1, NOW, 30 * MIN)).toEqual({
      granted: true,
      renewed: false,
      holders: ['web01'],
      slot: { channel: 'prod', host: 'web01', digest: D, grantedAt: '2026-11-27T03:00:00.000Z', expiresAt: '2026-11-27T03:30:00.000Z' },
    });
  });

  it('refuses a second host of the channel at max 1, with when to ask again', () => {
    expect(decideSlot([slot('web01')], ask('web02'), 1, NOW, 30 * MIN)).toEqual({ granted: false, holders: ['web01'], retryAfterSeconds: RETRY_AFTER_MAX_SECONDS });
    const soon = slot('web01', { expiresAt: '2026-11-27T03:00:20.000Z' });
    expect(decideSlot([soon], ask('web02'), 1, NOW, 30 * MIN)).toMatchObject({ granted: false, retryAfterSeconds: 20 });
    const sooner = slot('web01', { expiresAt: '2026-11-27T03:00:00.500Z' });
    expect(decideSlot([sooner], ask('web02'), 1, NOW, 30 * MIN)).toMatchObject({ granted: false, retryAfterSeconds: RETRY_AFTER_MIN_SECONDS });
  });

  it('counts only the channel asked for', () => {
    expect(decideSlot([slot('db01', { channel: 'staging' })], ask('web02'), 1, NOW, 30 * MIN)).toMatchObject({ granted: true, holders: ['web02'] });
  });

  it('lets the holder ask again (same name, any case) and keeps its slot', () => {
    const held = slot('web01');
    expect(decideSlot([held], ask('WEB01'), 1, NOW, 30 * MIN)).toEqual({ granted: true, renewed: true, slot: held, holders: ['web01'] });
  });

  it('gives a holder asking for a newer release a new slot in place of its old one', () => {
    expect(decideSlot([slot('web01')], ask('web01', E), 1, NOW, 30 * MIN)).toMatchObject({ granted: true, renewed: false, holders: ['web01'], slot: { digest: E } });
  });

  it('never lets more than max hosts of a channel hold a slot, whatever order they ask in', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(fc.constantFrom('web01', 'web02', 'web03', 'web04', 'web05', 'WEB01'), { maxLength: 20 }), (max, asks) => {
        let slots: RebootSlot[] = [];
        for (const h of asks) {
          const d = decideSlot(liveSlots(slots, () => undefined, NOW), ask(h), max, NOW, 30 * MIN);
          if (d.granted) slots = [...slots.filter((s) => s.host.toLowerCase() !== h.toLowerCase()), d.slot];
          expect(new Set(slots.map((s) => s.host.toLowerCase())).size).toBe(slots.length);
          expect(slots.length).toBeLessThanOrEqual(max);
          if (!d.granted) expect(d.retryAfterSeconds).toBeGreaterThanOrEqual(RETRY_AFTER_MIN_SECONDS);
        }
      }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { decideSlot, liveSlots, type RebootSlot } from './decide.js';
import { openMemorySlots, parseSlot } from './store.js';

const D = 'sha256:' + 'd'.repeat(64);
const NOW = new Date('2026-11-27T03:00:00Z');
const MIN = 60_000;

describe('openMemorySlots', () => {
  it('grants up to max per channel, keeps only held slots, and frees what the decision no longer counts', async () => {
    const store = openMemorySlots();
    const released = new Set<string>();
    const ask = (host: string, channel = 'prod', max = 1) =>
      store.claim(channel, max, (slots) => decideSlot(liveSlots(slots.filter((s) => !released.has(s.host)), () => undefined, NOW), { channel, host, digest: D }, max, NOW, 30 * MIN));
    expect(await ask('web01')).toMatchObject({ granted: true, holders: ['web01'] });
    expect(await ask('web02')).toMatchObject({ granted: false, holders: ['web01'] });
    expect(await ask('db01', 'staging')).toMatchObject({ granted: true, holders: ['db01'] });
    expect(await ask('web01')).toMatchObject({ granted: true, renewed: true });
    released.add('web01');
    expect(await ask('web02')).toMatchObject({ granted: true, holders: ['web02'] });
    expect(await ask('web03', 'prod', 2)).toMatchObject({ granted: true, holders: ['web02', 'web03'] });
    expect(await ask('web04', 'prod', 2)).toMatchObject({ granted: false, holders: ['web02', 'web03'] });
  });
});

describe('parseSlot', () => {
  const slot: RebootSlot = { channel: 'prod', host: 'web01', digest: D, grantedAt: '2026-11-27T03:00:00.000Z', expiresAt: '2026-11-27T03:30:00.000Z' };
  it('reads back what is stored, and nothing else', () => {
    expect(parseSlot(JSON.stringify(slot))).toEqual(slot);
    expect(parseSlot('{')).toBeUndefined();
    expect(parseSlot(JSON.stringify({ ...slot, extra: 1 }))).toBeUndefined();
    expect(parseSlot(JSON.stringify({ ...slot, digest: 'md5:x' }))).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { createWaiters } from './waiters.js';

describe('long-poll waiters', () => {
  it('releases every waiter of a channel at once, and only that channel', async () => {
    const w = createWaiters();
    const a = Array.from({ length: 1000 }, () => w.wait('dev', 60_000));
    const other = w.wait('prod', 50);
    expect(w.count).toBe(1001);
    w.release('dev');
    expect(await Promise.all(a)).toEqual(Array(1000).fill(true));
    expect(await other).toBe(false);
    expect(w.count).toBe(0);
  });

  it('ends a wait early when the client goes away, and on closeAll', async () => {
    const w = createWaiters();
    let gone: () => void = () => {};
    const p = w.wait('dev', 60_000, (stop) => (gone = stop));
    const q = w.wait('dev', 60_000);
    gone();
    expect(await p).toBe(false);
    expect(w.count).toBe(1);
    w.closeAll();
    expect(await q).toBe(false);
    expect(w.count).toBe(0);
  });
});

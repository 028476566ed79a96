import { describe, expect, it } from 'vitest';
import { isErrorOutcome, isQuietOutcome, onceOutcome, type PollOutcome } from './outcome.js';

const ALL: readonly PollOutcome[] = ['unchanged', 'up-to-date', 'quarantined', 'applied', 'would-apply', 'refused', 'rolled-back', 'failed', 'source-unavailable'];

describe('onceOutcome', () => {
  it('is the poll when nothing was recovered', () => {
    expect(onceOutcome(undefined, { outcome: 'unchanged' })).toEqual({ outcome: 'unchanged' });
    expect(onceOutcome(undefined, { outcome: 'applied', revision: 3 })).toEqual({ outcome: 'applied', revision: 3 });
  });
  it('is the recovery when the poll then had nothing new', () => {
    const rec = { outcome: 'rolled-back' as const, revision: 2 };
    expect(onceOutcome(rec, { outcome: 'unchanged' })).toBe(rec);
    expect(onceOutcome(rec, { outcome: 'up-to-date', revision: 2 })).toBe(rec);
    expect(onceOutcome(rec, { outcome: 'quarantined', revision: 2 })).toBe(rec);
  });
  it('is the poll when the poll did something itself', () => {
    const rec = { outcome: 'applied' as const, revision: 2 };
    for (const o of ['applied', 'would-apply', 'refused', 'rolled-back', 'failed', 'source-unavailable'] as const) {
      expect(onceOutcome(rec, { outcome: o, revision: 3 })).toEqual({ outcome: o, revision: 3 });
    }
  });
});

describe('outcome classes', () => {
  it('backs off only after an error', () => {
    expect(ALL.filter(isErrorOutcome)).toEqual(['failed', 'source-unavailable']);
  });
  it('counts unchanged, up-to-date and quarantined as quiet', () => {
    expect(ALL.filter(isQuietOutcome)).toEqual(['unchanged', 'up-to-date', 'quarantined']);
  });
});

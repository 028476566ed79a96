import { describe, expect, it } from 'vitest';
import { deriveHostState } from './derive.js';
import type { Report } from '../../core/wire/report.js';

const D = 'sha256:' + 'a'.repeat(64);
const E = 'sha256:' + 'b'.repeat(64);
const base: Report = {
  host: 'web01', channel: 'prod', state: 'applied', revision: 4, digest: D, commit: 'c'.repeat(40),
  current: 'unknown', booted: 'unknown', nextboot: 'unknown', agentVersion: '0.1.0', reportedAt: '2026-11-21T10:00:00Z',
};
const now = new Date('2026-11-21T10:01:00Z');
const fresh = '2026-11-21T10:00:30Z';
const min = 60_000;

describe('deriveHostState', () => {
  it.each([
    [{ ...base }, { revision: 4, digest: D }, 'in-sync'],
    [{ ...base, state: 'idle' as const }, { revision: 4, digest: D }, 'in-sync'],
    [{ ...base }, { revision: 5, digest: E }, 'pending'],
    [{ ...base, digest: E }, { revision: 4, digest: D }, 'pending'],
    [{ ...base, revision: null, digest: null }, { revision: 1, digest: D }, 'pending'],
    [{ ...base }, undefined, 'pending'],
    [{ ...base, state: 'applying' as const }, { revision: 5, digest: E }, 'applying'],
    [{ ...base, state: 'failed' as const }, { revision: 5, digest: E }, 'failed'],
    [{ ...base, state: 'refused' as const }, { revision: 5, digest: E }, 'failed'],
    [{ ...base, state: 'rolled-back' as const }, { revision: 5, digest: E }, 'rolled-back'],
    // A host whose new kernel waits for a reboot is never in-sync, even on the served digest.
    [{ ...base, state: 'reboot-required' as const }, { revision: 4, digest: D }, 'reboot-required'],
    [{ ...base, state: 'reboot-required' as const }, { revision: 5, digest: E }, 'reboot-required'],
    [{ ...base, state: 'boot-failed' as const }, { revision: 5, digest: E }, 'boot-failed'],
  ] as const)('%o with desired %o is %s', (report, desired, want) => {
    expect(deriveHostState(report, fresh, desired, now, min)).toBe(want);
  });

  it('is stale when no report arrived for longer than the limit, whatever the report says', () => {
    expect(deriveHostState(base, '2026-11-21T09:59:59Z', { revision: 4, digest: D }, now, min)).toBe('stale');
    expect(deriveHostState({ ...base, state: 'applying' }, '2026-11-21T09:50:00Z', undefined, now, min)).toBe('stale');
    expect(deriveHostState(base, '2026-11-21T10:00:00Z', { revision: 4, digest: D }, now, min)).toBe('in-sync');
  });
});

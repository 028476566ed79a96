import { describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log.js';
import { sampleReport } from '../../testkit/fleet-samples.js';
import { makeTempDir } from '../../testkit/tmp.js';
import { admitReport } from './admit.js';
import { openMemoryStore } from './memory-store.js';
import type { StoredReport } from './store.js';

const KEY_A = 'a'.repeat(64);
const KEY_B = 'b'.repeat(64);

function stored(host: string, seq?: number, signer?: string): StoredReport {
  return { report: sampleReport(host, seq !== undefined ? { seq } : {}), receivedAt: '2026-11-21T10:00:01Z', ...(signer ? { signer } : {}) };
}

const code = (a: ReturnType<typeof admitReport>): string => (a.kept ? 'kept' : a.error.code);

describe('admitReport (pure)', () => {
  it.each<[string, StoredReport, StoredReport | undefined, number, { maxHosts: number; signer?: string }, string]>([
    ['a first signed report', stored('web01', 5, KEY_A), undefined, 0, { maxHosts: 10, signer: KEY_A }, 'kept'],
    ['a signed report with a higher seq', stored('web01', 6, KEY_A), stored('web01', 5, KEY_A), 3, { maxHosts: 10, signer: KEY_A }, 'kept'],
    ['a replay: the same seq', stored('web01', 5, KEY_A), stored('web01', 5, KEY_A), 3, { maxHosts: 10, signer: KEY_A }, 'ReportReplayError'],
    ['an older seq', stored('web01', 4, KEY_A), stored('web01', 5, KEY_A), 3, { maxHosts: 10, signer: KEY_A }, 'ReportReplayError'],
    ['a signed report without seq', stored('web01', undefined, KEY_A), undefined, 0, { maxHosts: 10, signer: KEY_A }, 'ReportReplayError'],
    ['a lower seq under a newly enrolled key', stored('web01', 2, KEY_B), stored('web01', 9e12, KEY_A), 3, { maxHosts: 10, signer: KEY_B }, 'kept'],
    ['a lower seq after a bearer-token report', stored('web01', 2, KEY_A), stored('web01', 9e12), 3, { maxHosts: 10, signer: KEY_A }, 'kept'],
    ['an unsigned report going back in seq', stored('web01', 1), stored('web01', 5), 3, { maxHosts: 10 }, 'kept'],
    ['a new host at the cap', stored('web11'), undefined, 10, { maxHosts: 10 }, 'TooManyHostsError'],
    ['a new signed host at the cap', stored('web11', 1, KEY_A), undefined, 10, { maxHosts: 10, signer: KEY_A }, 'TooManyHostsError'],
    ['a known host at the cap', stored('web10'), stored('web10'), 10, { maxHosts: 10 }, 'kept'],
    ['a new host below the cap', stored('web10'), undefined, 9, { maxHosts: 10 }, 'kept'],
  ])('%s', (_what, incoming, previous, known, rules, expected) => {
    expect(code(admitReport(incoming, previous, known, rules))).toBe(expected);
  });

  it('says which seq was refused against which', () => {
    const a = admitReport(stored('web01', 5, KEY_A), stored('web01', 7, KEY_A), 1, { maxHosts: 10, signer: KEY_A });
    expect(a.kept ? undefined : a.error.data).toEqual({ host: 'web01', seq: 5, last: 7 });
  });
});

describe('the memory store keeps by canonical name, through admitReport', () => {
  it('is one host for WEB01 and web01, refuses host cap + 1, and keeps nothing it refuses', async () => {
    const tmp = await makeTempDir('ogygia-admit-');
    try {
      const store = await openMemoryStore(tmp.path, createLogger('reconciler', () => {}), 10);
      const rules = { maxHosts: 2 };
      expect((await store.keep('web01', stored('web01'), rules)).kept).toBe(true);
      expect((await store.keep('WEB01', stored('WEB01'), rules)).kept).toBe(true);
      expect((await store.keep('db01', stored('db01'), rules)).kept).toBe(true);
      const third = await store.keep('cache01', stored('cache01'), rules);
      expect(third.kept ? 'kept' : third.error.code).toBe('TooManyHostsError');
      expect((await store.list()).map((r) => r.report.host).sort()).toEqual(['WEB01', 'db01']);
      await store.close();
      const again = await openMemoryStore(tmp.path, createLogger('reconciler', () => {}), 10);
      expect((await again.list()).map((r) => r.report.host).sort()).toEqual(['WEB01', 'db01']);
      await again.close();
    } finally {
      await tmp.cleanup();
    }
  });
});

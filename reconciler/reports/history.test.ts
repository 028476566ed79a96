import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReportState } from '../../core/wire/report.js';
import { REPORT_STATES } from '../../core/wire/report.js';
import { changesHistory, MAX_HISTORY, parseHistory, recordHistory, type HistoryEntry } from './history.js';
import type { StoredReport } from './store.js';
import { sampleReport } from '../../testkit/fleet-samples.js';

const D1 = 'sha256:' + '1'.repeat(64);
const D2 = 'sha256:' + '2'.repeat(64);

function kept(state: ReportState, revision: number | null, at: string, errorCode?: string): StoredReport {
  const digest = revision === null ? null : revision === 1 ? D1 : D2;
  const error = errorCode ? { error: { code: errorCode, message: `${errorCode} happened` } } : {};
  return { report: sampleReport('web01', { state, revision, digest, reportedAt: at, ...error }), receivedAt: at };
}

describe('recordHistory', () => {
  it('adds an entry per change, not per heartbeat, newest first', () => {
    let h: readonly HistoryEntry[] = [];
    const steps = [
      kept('applied', 1, '2026-11-21T08:00:00Z'),
      kept('idle', 1, '2026-11-21T08:00:10Z'),
      kept('idle', 1, '2026-11-21T08:00:20Z'), // heartbeat: nothing new
      kept('applying', 1, '2026-11-21T09:00:00Z'),
      kept('rolled-back', 1, '2026-11-21T09:01:00Z', 'HealthCheckError'),
      kept('rolled-back', 1, '2026-11-21T09:01:10Z', 'HealthCheckError'), // heartbeat
      kept('applied', 2, '2026-11-21T10:00:00Z'),
    ];
    for (const s of steps) h = recordHistory(h, s);
    expect(h.map((e) => `${e.state} ${e.revision} ${e.reportedAt.slice(11, 19)}`)).toEqual([
      'applied 2 10:00:00',
      'rolled-back 1 09:01:00',
      'applying 1 09:00:00',
      'idle 1 08:00:10',
      'applied 1 08:00:00',
    ]);
    expect(h[1]!.error?.code).toBe('HealthCheckError');
  });

  it('returns the same history when nothing changed, so nothing is written', () => {
    const h = recordHistory([], kept('idle', 1, '2026-11-21T08:00:00Z'));
    expect(recordHistory(h, kept('idle', 1, '2026-11-21T08:00:10Z'))).toBe(h);
    expect(changesHistory(kept('idle', 1, '2026-11-21T08:00:00Z'), kept('idle', 1, '2026-11-21T08:00:10Z'))).toBe(false);
    expect(changesHistory(kept('failed', 1, 'x', 'NixCopyError'), kept('failed', 1, 'y', 'HealthCheckError'))).toBe(true);
    expect(changesHistory(undefined, kept('idle', null, '2026-11-21T08:00:00Z'))).toBe(true);
  });

  it('keeps at most the limit, dropping the oldest; a damaged history reads as empty', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...REPORT_STATES), fc.integer({ min: 1, max: 3 })), { maxLength: 80 }), (seq) => {
        let h: readonly HistoryEntry[] = [];
        seq.forEach(([state, rev], i) => {
          h = recordHistory(h, kept(state, rev, new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString().replace('.000', '')));
        });
        expect(h.length).toBeLessThanOrEqual(MAX_HISTORY);
        for (let i = 1; i < h.length; i++) {
          expect(h[i - 1]!.reportedAt > h[i]!.reportedAt).toBe(true);
          expect(`${h[i - 1]!.state} ${h[i - 1]!.revision}`).not.toBe(`${h[i]!.state} ${h[i]!.revision}`);
        }
        expect(parseHistory(JSON.parse(JSON.stringify(h)))).toEqual(h);
      }),
    );
    expect(parseHistory([{ state: 'nonsense' }])).toEqual([]);
    expect(parseHistory('x')).toEqual([]);
  });
});

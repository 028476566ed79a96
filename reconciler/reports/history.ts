import { z } from 'zod';
import { REPORT_STATES, reportErrorSchema, type Report } from '../../core/wire/report.js';
import { digestField, revisionField, timestampField } from '../../core/wire/fields.js';

/**
 * A host's report history as its page shows it (`/hosts/:host`): one entry
 * per change of what the host said — its state, the release it runs, or its
 * error — not one per heartbeat, so twenty entries reach back over days of
 * an idle host and still show every step of an apply that went wrong.
 */
export const MAX_HISTORY = 20;

/** A kept report as the history reads it (reports/store.ts KeptReport is one). */
export interface KeptReport {
  readonly report: Report;
  readonly receivedAt: string;
}

export const historyEntrySchema = z.strictObject({
  state: z.enum(REPORT_STATES),
  revision: revisionField.nullable(),
  digest: digestField.nullable(),
  error: reportErrorSchema.nullable(),
  /** The report that first said it: its own time, and when the reconciler received it. */
  reportedAt: timestampField,
  receivedAt: timestampField,
});
export type HistoryEntry = z.output<typeof historyEntrySchema>;

export const historySchema = z.array(historyEntrySchema).max(MAX_HISTORY);

function sameCondition(a: HistoryEntry, b: HistoryEntry): boolean {
  return a.state === b.state && a.revision === b.revision && a.digest === b.digest && (a.error?.code ?? null) === (b.error?.code ?? null);
}

/** The entry a kept report would add. */
export function historyEntryOf(s: KeptReport): HistoryEntry {
  const r = s.report;
  return { state: r.state, revision: r.revision, digest: r.digest, error: r.error ?? null, reportedAt: r.reportedAt, receivedAt: s.receivedAt };
}

/**
 * Pure: a host's history (newest first) after one more kept report. The
 * same history object comes back when the report says what the newest entry
 * already says (the caller then has nothing to write); otherwise the new
 * entry goes first and the oldest beyond `limit` fall off.
 */
export function recordHistory(history: readonly HistoryEntry[], kept: KeptReport, limit = MAX_HISTORY): readonly HistoryEntry[] {
  const entry = historyEntryOf(kept);
  const newest = history[0];
  if (newest && sameCondition(newest, entry)) return history;
  return [entry, ...history].slice(0, limit);
}

/** Pure: whether a report says something its host's previous report did not (so its history gains an entry). */
export function changesHistory(previous: KeptReport | undefined, next: KeptReport): boolean {
  return previous === undefined || !sameCondition(historyEntryOf(previous), historyEntryOf(next));
}

/** Pure: a history read back (snapshot, etcd value) through its schema; empty when it does not match. */
export function parseHistory(value: unknown): HistoryEntry[] {
  const parsed = historySchema.safeParse(value);
  return parsed.success ? parsed.data : [];
}

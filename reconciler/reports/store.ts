import { z } from 'zod';
import { timestampField } from '../../core/wire/fields.js';
import { reportSchema } from '../../core/wire/report.js';

/** A report as stored: the report (core/wire/report.ts) plus when this reconciler (or a replica) received it. */
export const storedReportSchema = z.strictObject({ report: reportSchema, receivedAt: timestampField });
export type StoredReport = z.output<typeof storedReportSchema>;

/** Where reports live: memory + snapshot file (one reconciler) or etcd (replicas share one fleet view). */
export interface ReportStore {
  readonly kind: 'memory' | 'etcd';
  put(host: string, stored: StoredReport): Promise<void>;
  list(): Promise<StoredReport[]>;
  close(): Promise<void>;
}

/** Pure: a stored report read back (etcd value, snapshot entry) through its schema; undefined when it does not match. */
export function parseStoredReport(value: unknown): StoredReport | undefined {
  const parsed = storedReportSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

import type { StoredReport } from './schema.js';

/** Where reports live: memory + snapshot file (one reconciler) or etcd (replicas share one fleet view). */
export interface ReportStore {
  readonly kind: 'memory' | 'etcd';
  put(host: string, stored: StoredReport): Promise<void>;
  list(): Promise<StoredReport[]>;
  close(): Promise<void>;
}

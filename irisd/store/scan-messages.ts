import type { HashingScheme } from '../bloom/filter.js';
import type { IndexChange } from './index-change.js';

/** What the store scan worker (irisd/store/scan-worker.ts) is started with. */
export interface ScanWorkerData {
  readonly root: string;
  readonly falsePositiveRate: number;
  readonly hashing: HashingScheme;
  /** The digest of every path in irisd's index, by hash (irisd/store/index-change.ts): what the scan is compared with. */
  readonly before: ReadonlyMap<string, string>;
}

/** The worker's one message: the scan's outcome. */
export type ScanReply =
  | {
      readonly ok: true;
      readonly change: IndexChange;
      /** The digest of each path in `change.upserted`, in the same order. */
      readonly upsertedDigests: readonly string[];
      readonly count: number;
      /** The encoded filter (irisd/bloom/wire.ts), moved to the main thread. */
      readonly filterBody: ArrayBuffer;
      readonly etag: string;
      readonly nixMs: number;
      readonly scanMs: number;
    }
  | { readonly ok: false; readonly error: { readonly code: string | undefined; readonly message: string; readonly data: unknown } };

import type { HashingScheme } from '../bloom/filter.js';
import type { IndexChange } from './index-change.js';

/** What the store scan worker (irisd/store/scan-worker.ts) is started with. */
export interface ScanWorkerData {
  readonly root: string;
  readonly falsePositiveRate: number;
  readonly hashing: HashingScheme;
}

/** The worker's answer to one scan request. */
export type ScanReply =
  | {
      readonly ok: true;
      /** The change is from nothing (this worker's first scan): the whole store. */
      readonly full: boolean;
      readonly change: IndexChange;
      readonly count: number;
      /** The encoded filter (irisd/bloom/wire.ts), moved to the main thread. */
      readonly filterBody: ArrayBuffer;
      readonly etag: string;
      readonly nixMs: number;
      readonly scanMs: number;
    }
  | { readonly ok: false; readonly error: { readonly code: string | undefined; readonly message: string; readonly data: unknown } };

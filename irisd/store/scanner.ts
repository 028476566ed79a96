import { Worker } from 'node:worker_threads';
import { NixCommandError } from '../../core/errors/index.js';
import type { EncodedFilter } from '../bloom/wire.js';
import type { IndexChange } from './index-change.js';
import type { ScanReply, ScanWorkerData } from './scan-messages.js';

export interface ScanResult {
  readonly change: IndexChange;
  /** The digest of each path in `change.upserted`, in the same order. */
  readonly upsertedDigests: readonly string[];
  readonly count: number;
  readonly filter: EncodedFilter;
  readonly nixMs: number;
  readonly scanMs: number;
}

/**
 * Scan the local store on a worker thread of its own (irisd/store/scan-worker.ts),
 * compared with `data.before`; the thread ends with its answer.
 */
export function scanStore(data: ScanWorkerData): Promise<ScanResult> {
  return new Promise<ScanResult>((resolve, reject) => {
    // Beside this file both in `tsc`'s output and in the bundle (scripts/bundle.mjs builds it as its own entry).
    const w = new Worker(new URL('./scan-worker.js', import.meta.url), { workerData: data });
    let answered = false;
    w.once('message', (m: ScanReply) => {
      answered = true;
      if (m.ok) {
        resolve({ change: m.change, upsertedDigests: m.upsertedDigests, count: m.count, filter: { body: Buffer.from(m.filterBody), etag: m.etag }, nixMs: m.nixMs, scanMs: m.scanMs });
      } else {
        reject(m.error.code === 'NixCommandError' ? new NixCommandError(m.error.data as ConstructorParameters<typeof NixCommandError>[0]) : new Error(m.error.message));
      }
    });
    w.once('error', (e) => {
      answered = true;
      reject(e);
    });
    w.once('exit', (code) => {
      if (!answered) reject(new Error(`the store scan worker stopped without an answer (exit ${code})`));
    });
  });
}

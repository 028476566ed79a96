import { Worker } from 'node:worker_threads';
import { NixCommandError } from '../../core/errors/index.js';
import type { EncodedFilter } from '../bloom/wire.js';
import type { IndexChange } from './index-change.js';
import type { ScanReply, ScanWorkerData } from './scan-messages.js';

export interface ScanResult {
  /** `change` is from nothing (the worker's first scan, or a new worker after one stopped): the whole store. */
  readonly full: boolean;
  readonly change: IndexChange;
  readonly count: number;
  readonly filter: EncodedFilter;
  readonly nixMs: number;
  readonly scanMs: number;
}

/**
 * Scans of the local store on a worker thread (irisd/store/scan-worker.ts),
 * one at a time, each answered with what changed since the one before. The
 * worker is started on the first scan and holds the process open only while
 * a scan runs.
 */
export class StoreScanner {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: ScanResult) => void; reject: (e: Error) => void }>();

  constructor(private readonly data: ScanWorkerData) {}

  scan(): Promise<ScanResult> {
    const w = (this.worker ??= this.start());
    const id = this.nextId++;
    w.ref();
    return new Promise<ScanResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage(id);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }

  private start(): Worker {
    // Beside this file both in `tsc`'s output and in the bundle (scripts/bundle.mjs builds it as its own entry).
    const w = new Worker(new URL('./scan-worker.js', import.meta.url), { workerData: this.data });
    w.on('message', (m: ScanReply & { id: number }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) w.unref();
      if (m.ok) p.resolve({ full: m.full, change: m.change, count: m.count, filter: { body: Buffer.from(m.filterBody), etag: m.etag }, nixMs: m.nixMs, scanMs: m.scanMs });
      else p.reject(m.error.code === 'NixCommandError' ? new NixCommandError(m.error.data as ConstructorParameters<typeof NixCommandError>[0]) : new Error(m.error.message));
    });
    const fail = (e: Error): void => {
      if (this.worker === w) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`the store scan worker stopped (exit ${code})`)));
    return w;
  }
}

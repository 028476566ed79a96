// The store scan, on a worker thread: `nix path-info --all --json`, its
// parsing (~100 ms of JavaScript for 17,500 paths) and the bloom filter
// over every hash happen here, so a refresh never holds irisd's event loop
// and its narinfo answers wait for nothing. The main thread gets only what
// changed since the last scan and the encoded filter (irisd/store/scanner.ts).
import { parentPort, workerData } from 'node:worker_threads';
import type { PathInfo } from '../../core/path-info.js';
import { buildFilter } from '../bloom/filter.js';
import { encodeFilter } from '../bloom/wire.js';
import { diffScan } from './index-change.js';
import { localStore, queryAllPaths } from './nix-store.js';
import type { ScanReply, ScanWorkerData } from './scan-messages.js';

const d = workerData as ScanWorkerData;
const store = localStore(d.root);
let before = new Map<string, PathInfo>();

parentPort!.on('message', (id: number) => {
  void scan().then(
    (reply) => parentPort!.postMessage({ id, ...reply }, [reply.filterBody]),
    (e: unknown) => {
      const err = e as Error & { code?: unknown; data?: unknown };
      parentPort!.postMessage({ id, ok: false, error: { code: typeof err.code === 'string' ? err.code : undefined, message: err.message, data: err.data } } satisfies ScanReply & { id: number });
    },
  );
});

async function scan(): Promise<Extract<ScanReply, { ok: true }>> {
  const t0 = performance.now();
  const infos = await queryAllPaths(store);
  const t1 = performance.now();
  const full = before.size === 0;
  const { change, byHash } = diffScan(before, infos);
  const encoded = encodeFilter({ filter: buildFilter([...byHash.keys()], d.falsePositiveRate, d.hashing), count: byHash.size, falsePositiveRate: d.falsePositiveRate, hashing: d.hashing });
  before = byHash;
  const body = encoded.body;
  // A copy the size of the filter that can be moved to the main thread, not Node's shared buffer pool.
  const filterBody = new ArrayBuffer(body.byteLength);
  new Uint8Array(filterBody).set(body);
  return { ok: true, full, change, count: byHash.size, filterBody, etag: encoded.etag, nixMs: t1 - t0, scanMs: performance.now() - t0 };
}

// One scan of the store, on a worker thread: `nix path-info --all --json`,
// its parsing (~100 ms of JavaScript for 20,000 paths), the comparison with
// irisd's index and the bloom filter over every hash happen here, so a
// refresh never holds irisd's event loop. The thread sends one message, what
// changed and the encoded filter (irisd/store/scanner.ts), and ends: the
// memory the parse took goes with it.
import { parentPort, workerData } from 'node:worker_threads';
import { storePathHash } from '../../core/store-path.js';
import { buildFilter } from '../bloom/filter.js';
import { encodeFilter } from '../bloom/wire.js';
import { diffScan } from './index-change.js';
import { localStore, queryAllPaths } from './nix-store.js';
import type { ScanReply, ScanWorkerData } from './scan-messages.js';

const d = workerData as ScanWorkerData;

async function scan(): Promise<Extract<ScanReply, { ok: true }>> {
  const t0 = performance.now();
  const infos = await queryAllPaths(localStore(d.root));
  const t1 = performance.now();
  const { change, digests } = diffScan(d.before, infos);
  const encoded = encodeFilter({ filter: buildFilter([...digests.keys()], d.falsePositiveRate, d.hashing), count: digests.size, falsePositiveRate: d.falsePositiveRate, hashing: d.hashing });
  const upsertedDigests = change.upserted.map((i) => digests.get(storePathHash(i.path))!);
  // A buffer of its own, movable to the main thread (not a slice of Node's shared pool).
  const filterBody = new ArrayBuffer(encoded.body.byteLength);
  new Uint8Array(filterBody).set(encoded.body);
  return { ok: true, change, upsertedDigests, count: digests.size, filterBody, etag: encoded.etag, nixMs: t1 - t0, scanMs: performance.now() - t0 };
}

scan().then(
  (reply) => parentPort!.postMessage(reply, [reply.filterBody]),
  (e: unknown) => {
    const err = e as Error & { code?: unknown; data?: unknown };
    parentPort!.postMessage({ ok: false, error: { code: typeof err.code === 'string' ? err.code : undefined, message: err.message, data: err.data } } satisfies ScanReply);
  },
);

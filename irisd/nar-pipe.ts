import type { ServerResponse } from 'node:http';

/** Write one chunk; resolves once the socket has taken it (the chunk's memory may then be reused). */
function writeChunk(res: ServerResponse, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    res.write(chunk, (err) => (err ? reject(err) : resolve()));
  });
}

/**
 * Send a NAR's chunks on a raw HTTP response with no stream in between, one
 * write in flight while the next chunk is produced. It asks for chunk k+2
 * only once chunk k was written, which is what `streamNar(..., { reuseBuffers:
 * true })` needs to read into two buffers in turn. Resolves when the response
 * ended; rejects (leaving the caller to destroy the response) when the source
 * fails or the client went away, and stops the source either way.
 */
export async function pipeChunks(chunks: AsyncIterable<Uint8Array>, res: ServerResponse): Promise<void> {
  let inflight: Promise<void> | undefined;
  const it = chunks[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await it.next();
      if (next.done) break;
      if (inflight) await inflight;
      if (res.destroyed) throw new Error('the client closed the connection');
      inflight = writeChunk(res, next.value);
    }
    if (inflight) await inflight;
    await new Promise<void>((resolve) => res.end(resolve));
  } catch (e) {
    // Stop the source (closes its file, aborts its peer fetch); a write that fails later is ignored.
    inflight?.catch(() => {});
    await it.return?.().catch(() => {});
    throw e;
  }
}

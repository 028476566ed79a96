import type { ServerResponse } from 'node:http';

/**
 * Write one chunk; resolves once the socket has taken it (the chunk's memory
 * may then be reused). Rejects when the connection closes first: a write
 * callback is not always called on a socket that was destroyed under it.
 */
function writeChunk(res: ServerResponse, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const closed = (): void => reject(new Error('the client closed the connection'));
    res.once('close', closed);
    res.write(chunk, (err) => {
      res.off('close', closed);
      if (err) reject(err);
      else resolve();
    });
  });
}

function gone(res: ServerResponse): boolean {
  return res.destroyed || !res.socket || res.socket.destroyed;
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
      if (gone(res)) throw new Error('the client closed the connection');
      inflight = writeChunk(res, next.value);
    }
    if (inflight) await inflight;
    await new Promise<void>((resolve) => {
      res.once('close', resolve); // as above: the end callback may never come on a closed connection
      res.end(() => {
        res.off('close', resolve);
        resolve();
      });
    });
  } catch (e) {
    // Stop the source (closes its file, aborts its peer fetch); a write that fails later is ignored.
    inflight?.catch(() => {});
    await it.return?.().catch(() => {});
    throw e;
  }
}

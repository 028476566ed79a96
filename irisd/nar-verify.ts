import { createHash } from 'node:crypto';
import { NarHashMismatchError } from '../core/errors/index.js';
import { encodeNix32 } from '../core/nix32.js';

/**
 * Pass a NAR stream through while hashing it, holding the last chunk back
 * until the whole NAR has been checked against NarHash and NarSize. On a
 * mismatch the stream fails before its last bytes, so a client (and the NAR
 * cache) never receives a complete corrupt NAR.
 */
export async function* verifyNarStream(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  expected: { readonly storePath: string; readonly narHash: string; readonly narSize: number },
  onChunk?: (chunk: Uint8Array) => void | Promise<void>,
): AsyncGenerator<Uint8Array> {
  const h = createHash('sha256');
  let size = 0;
  let held: Uint8Array | undefined;
  for await (const chunk of source) {
    size += chunk.length;
    if (size > expected.narSize) {
      throw new NarHashMismatchError({ reason: 'too-long', storePath: expected.storePath, narSize: expected.narSize });
    }
    h.update(chunk);
    if (held) {
      if (onChunk) await onChunk(held);
      yield held;
    }
    held = chunk;
  }
  const got = 'sha256:' + encodeNix32(h.digest());
  if (size !== expected.narSize || got !== expected.narHash) {
    throw new NarHashMismatchError({ reason: 'hash', storePath: expected.storePath, expected: expected.narHash, narSize: expected.narSize, got, size });
  }
  if (held) {
    if (onChunk) await onChunk(held);
    yield held;
  }
}

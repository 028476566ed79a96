import { ZstdUnavailableError } from '../core/errors/index.js';

/**
 * zstd for NARs sent to Nix clients (`[cache] compression = "zstd"`). The
 * only file that touches the zstd library (zstd-napi: zstd's C code, built at
 * install): loaded on first use, so an irisd that never compresses never
 * loads it, and a client's old `.nar.zst` URL still works after the setting
 * went back to "none".
 */
export interface NarZstd {
  /** The NAR compressed whole, as one frame (a small NAR read in one go). */
  compress(nar: Uint8Array): Uint8Array;
  /** Compress a stream of NAR chunks: one zstd frame per FRAME_BYTES of input (see below). */
  stream(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array>;
}

/**
 * Input per zstd frame. A NAR goes out as a run of independent frames, which
 * decoders (libzstd, so Nix) read as one stream. Each frame is compressed in
 * one synchronous call, so a chunk is done with before the next is asked for
 * (what `streamNar(..., { reuseBuffers: true })` needs) and one compressor
 * serves every request. Against zstd's streaming API (one frame, a window
 * across the whole NAR) on a 64 MiB mixed NAR at level 3: 2.6% larger output,
 * while the streaming API took 1.17-1.33x the CPU (bench/irisd-compression.ts).
 */
export const FRAME_BYTES = 1 << 20;

/** Load zstd at `level` (1-19); throws ZstdUnavailableError when the library does not load. */
export async function loadNarZstd(level: number): Promise<NarZstd> {
  let lib: typeof import('zstd-napi');
  try {
    lib = await import('zstd-napi');
  } catch (e) {
    throw new ZstdUnavailableError({ cause: (e as Error).message.split('\n')[0] ?? String(e) });
  }
  const c = new lib.Compressor();
  c.setParameters({ compressionLevel: level });
  const compress = (data: Uint8Array): Uint8Array => c.compress(data);
  return {
    compress,
    async *stream(chunks) {
      const stage = Buffer.allocUnsafe(FRAME_BYTES);
      let used = 0;
      for await (const chunk of chunks) {
        let off = 0;
        while (off < chunk.length) {
          if (used === 0 && chunk.length - off >= FRAME_BYTES) {
            // A whole frame's worth in the chunk itself: no copy.
            const frame = compress(chunk.subarray(off, off + FRAME_BYTES));
            off += FRAME_BYTES;
            yield frame;
            continue;
          }
          const n = Math.min(FRAME_BYTES - used, chunk.length - off);
          stage.set(chunk.subarray(off, off + n), used);
          used += n;
          off += n;
          if (used === FRAME_BYTES) {
            used = 0;
            yield compress(stage);
          }
        }
      }
      if (used > 0) yield compress(stage.subarray(0, used));
    },
  };
}

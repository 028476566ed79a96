import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { decompress } from 'fzstd';
import { describe, expect, it } from 'vitest';
import { FRAME_BYTES, loadNarZstd } from './zstd.js';

async function* chunked(data: Uint8Array, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  let off = 0;
  for (let i = 0; off < data.length; i++) {
    const n = Math.max(1, sizes[i % sizes.length]!);
    yield data.subarray(off, off + n);
    off += n;
  }
}

async function collect(it: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const c of it) out.push(c);
  return out;
}

/** Text with repeats (compresses) and random runs (does not), like a NAR of a package. */
function narLike(size: number): Buffer {
  const text = Buffer.from('#!/bin/sh\nexec /nix/store/00000000000000000000000000000000-perl-5.36/bin/perl "$@"\n'.repeat(64));
  const parts: Buffer[] = [];
  for (let n = 0; n < size; ) {
    const p = parts.length % 2 ? randomBytes(4096) : text;
    parts.push(p);
    n += p.length;
  }
  return Buffer.concat(parts).subarray(0, size);
}

describe('zstd for NARs', async () => {
  const z = await loadNarZstd(3);

  it('a stream decodes to the same bytes, one frame per FRAME_BYTES of input, and is smaller', async () => {
    const data = narLike(2 * FRAME_BYTES + 12345);
    const frames = await collect(z.stream(chunked(data, [FRAME_BYTES])));
    expect(frames).toHaveLength(3);
    const all = Buffer.concat(frames);
    expect(Buffer.from(decompress(all)).equals(data)).toBe(true);
    expect(all.length).toBeLessThan(data.length * 0.75);
  });

  it('whatever the chunk sizes, even with the source reusing its buffers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 * FRAME_BYTES }), fc.array(fc.integer({ min: 1, max: 2 * FRAME_BYTES }), { minLength: 1, maxLength: 5 }), async (size, sizes) => {
        const data = narLike(size);
        // Like streamNar(..., { reuseBuffers: true }): each chunk is a copy in one of two buffers, overwritten
        // two chunks later.
        const bufs = [Buffer.alloc(2 * FRAME_BYTES), Buffer.alloc(2 * FRAME_BYTES)];
        async function* reused(): AsyncGenerator<Uint8Array> {
          let k = 0;
          for await (const c of chunked(data, sizes)) {
            const b = bufs[k++ % 2]!;
            b.set(c);
            yield b.subarray(0, c.length);
          }
        }
        const out = Buffer.concat(await collect(z.stream(reused())));
        expect(Buffer.from(decompress(out)).equals(data)).toBe(true);
      }),
      { numRuns: 12 },
    );
  });

  it('compresses a small NAR whole', () => {
    const data = narLike(10_000);
    expect(Buffer.from(decompress(z.compress(data))).equals(data)).toBe(true);
  });
});

import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import xz from 'xz-decompress';

/**
 * Decompress a NAR as a binary cache stores it (`Compression:` of its
 * narinfo), never producing more than `cap` bytes: a compressed bomb costs at
 * most the cap. `xz` is what `nix copy --to file://…` writes by default,
 * `zstd` what attic and `?compression=zstd` write, `none` what irisd, harmonia
 * and nix-serve-ng serve. `bzip2` (the old nix-serve) is not read: the caller
 * says why in the report instead of guessing.
 */
export type Decompressed = { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly why: string };

class OverCap extends Error {}

export async function decompressNar(data: Uint8Array, compression: string, cap: number): Promise<Decompressed> {
  const over = (): Decompressed => ({ ok: false, why: `the NAR unpacks to more than ${cap} bytes` });
  try {
    switch (compression) {
      case 'none':
        return data.length > cap ? over() : { ok: true, bytes: data };
      case 'gzip':
        return { ok: true, bytes: new Uint8Array(gunzipSync(data, { maxOutputLength: cap })) };
      case 'br':
        return { ok: true, bytes: new Uint8Array(brotliDecompressSync(data, { maxOutputLength: cap })) };
      case 'zstd': {
        const chunks: Uint8Array[] = [];
        let total = 0;
        const z = new ZstdDecompress((chunk) => {
          total += chunk.length;
          if (total > cap) throw new OverCap();
          chunks.push(chunk.slice());
        });
        z.push(data, true);
        return { ok: true, bytes: new Uint8Array(Buffer.concat(chunks)) };
      }
      case 'xz': {
        const stream = new xz.XzReadableStream(new Blob([data]).stream());
        const reader = stream.getReader();
        const chunks: Uint8Array[] = [];
        let total = 0;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          total += value.length;
          if (total > cap) {
            await reader.cancel().catch(() => {});
            return over();
          }
          chunks.push(value);
        }
        return { ok: true, bytes: new Uint8Array(Buffer.concat(chunks)) };
      }
      default:
        return { ok: false, why: `the top-level NAR is compressed with ${compression || '(nothing named)'}, which Ogygia does not read` };
    }
  } catch (e) {
    if (e instanceof OverCap || (e instanceof RangeError && /maxOutputLength|buffer/i.test(e.message))) return over();
    return { ok: false, why: `the ${compression} NAR does not decompress (${(e as Error).message})` };
  }
}
